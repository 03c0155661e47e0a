import type { SurveyKind, SurveyTexts } from "../db/schema";

/** Built-in English wording; a survey's own texts override any of it. */
export const en: Record<SurveyKind, Required<SurveyTexts>> = {
  nps: {
    question: "How likely are you to recommend us to a friend or colleague?",
    lowLabel: "Not likely",
    highLabel: "Very likely",
    followUp: {
      detractor: "We're sorry to hear that. What went wrong?",
      passive: "What would make us a 10 for you?",
      promoter: "Great! What do you like most?",
    },
    commentPlaceholder: "Your answer (optional)",
    submit: "Send",
    thankYou: "Thank you for your feedback!",
    close: "Close",
  },
  csat: {
    question: "How satisfied are you with our service?",
    lowLabel: "Very dissatisfied",
    highLabel: "Very satisfied",
    followUp: {
      detractor: "We're sorry. What could we do better?",
      passive: "What would make it better?",
      promoter: "Glad to hear it! What did you like?",
    },
    commentPlaceholder: "Your answer (optional)",
    submit: "Send",
    thankYou: "Thank you for your feedback!",
    close: "Close",
  },
  ces: {
    question: "How easy was it to get what you needed?",
    lowLabel: "Very difficult",
    highLabel: "Very easy",
    followUp: {
      detractor: "Sorry it was hard. What got in the way?",
      passive: "What would have made it easier?",
      promoter: "Glad it was easy! Anything we could improve?",
    },
    commentPlaceholder: "Your answer (optional)",
    submit: "Send",
    thankYou: "Thank you for your feedback!",
    close: "Close",
  },
};
