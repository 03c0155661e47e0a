import type { SurveyKind, SurveyTexts } from "../db/schema";

/** Textes français par défaut ; ceux de l'enquête les remplacent. */
export const fr: Record<SurveyKind, Required<SurveyTexts>> = {
  nps: {
    question: "Quelle est la probabilité que vous nous recommandiez à un ami ou un collègue ?",
    lowLabel: "Pas du tout probable",
    highLabel: "Très probable",
    followUp: {
      detractor: "Nous en sommes désolés. Qu'est-ce qui n'a pas fonctionné ?",
      passive: "Que pourrions-nous faire pour mériter un 10 ?",
      promoter: "Merci ! Qu'appréciez-vous le plus ?",
    },
    commentPlaceholder: "Votre réponse (facultatif)",
    submit: "Envoyer",
    thankYou: "Merci pour votre retour !",
    close: "Fermer",
  },
  csat: {
    question: "Êtes-vous satisfait de notre service ?",
    lowLabel: "Très insatisfait",
    highLabel: "Très satisfait",
    followUp: {
      detractor: "Nous en sommes désolés. Que pourrions-nous améliorer ?",
      passive: "Qu'est-ce qui le rendrait meilleur ?",
      promoter: "Ravis de l'entendre ! Qu'avez-vous apprécié ?",
    },
    commentPlaceholder: "Votre réponse (facultatif)",
    submit: "Envoyer",
    thankYou: "Merci pour votre retour !",
    close: "Fermer",
  },
  ces: {
    question: "Était-il facile d'obtenir ce dont vous aviez besoin ?",
    lowLabel: "Très difficile",
    highLabel: "Très facile",
    followUp: {
      detractor: "Désolés que ce fût difficile. Qu'est-ce qui vous a gêné ?",
      passive: "Qu'est-ce qui l'aurait rendu plus facile ?",
      promoter: "Tant mieux ! Pourrions-nous encore améliorer quelque chose ?",
    },
    commentPlaceholder: "Votre réponse (facultatif)",
    submit: "Envoyer",
    thankYou: "Merci pour votre retour !",
    close: "Fermer",
  },
};
