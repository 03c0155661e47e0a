/**
 * The link survey page, rendered on the server as plain HTML: a form that works with JavaScript
 * off (a normal POST), enhanced by /survey.js when scripts run. Every interpolated value goes
 * through hono/html's escaping `html` tag; `raw` is used only for markup built here.
 */
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { Locale } from "../locales";
import type { PublicSurvey } from "../services/publicSurvey";
import { categoryOf } from "../services/publicSurvey";
import { safeColor, textOn } from "./colors";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** Page wording that is not the survey's own. */
export const UI: Record<Locale, Record<string, string>> = {
  en: {
    why: "What is the main reason for your score?",
    pick: "Please choose a score first.",
    closeTab: "You can close this page.",
    badLink: "This link is not valid",
    badLinkHelp: "It may have expired or been copied incompletely.",
    gone: "This survey is closed",
    goneHelp: "It no longer accepts answers. Thank you all the same.",
    roundClosed: "This survey round has closed",
    roundClosedHelp: "Answers to it can no longer be given or changed. Thank you for your time.",
    oops: "Something went wrong",
    oopsHelp: "Your answer could not be saved. Please go back and try again.",
  },
  fr: {
    why: "Quelle est la principale raison de votre note ?",
    pick: "Choisissez d'abord une note.",
    closeTab: "Vous pouvez fermer cette page.",
    badLink: "Ce lien n'est pas valide",
    badLinkHelp: "Il a peut-être expiré ou été copié en partie.",
    gone: "Cette enquête est terminée",
    goneHelp: "Elle n'accepte plus de réponses. Merci quand même.",
    roundClosed: "Cette enquête est close",
    roundClosedHelp: "Ses réponses ne peuvent plus être données ni modifiées. Merci de votre temps.",
    oops: "Une erreur est survenue",
    oopsHelp: "Votre réponse n'a pas pu être enregistrée. Revenez en arrière et réessayez.",
  },
};

const CSS = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:24px 12px;
background:#f3f4f6;color:#111827;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{width:100%;max-width:600px;background:#fff;border-radius:16px;padding:32px 28px;
box-shadow:0 1px 2px rgb(0 0 0/.06),0 12px 32px rgb(0 0 0/.08);border-top:4px solid var(--c)}
h1{font-size:1.3rem;line-height:1.35;margin:0 0 20px;font-weight:650}
fieldset{border:0;margin:0 0 24px;padding:0;min-width:0}
legend{padding:0;float:left;width:100%}
.scale{display:grid;grid-template-columns:repeat(var(--n),1fr);gap:6px;clear:both}
.scale input{position:absolute;opacity:0;width:1px;height:1px}
.scale label{display:flex;align-items:center;justify-content:center;height:46px;border:1px solid #d1d5db;
border-radius:10px;font-weight:600;cursor:pointer;background:#fff;transition:background .15s,border-color .15s}
.scale label:hover{border-color:var(--c);background:color-mix(in srgb,var(--c) 8%,#fff)}
.scale input:checked+label{background:var(--c);border-color:var(--c);color:var(--on)}
.scale input:focus-visible+label{outline:3px solid var(--c);outline-offset:2px}
.ends{display:flex;justify-content:space-between;font-size:.85rem;color:#4b5563;margin-top:8px}
label.q{display:block;font-weight:600;margin:0 0 8px}
textarea{width:100%;min-height:110px;padding:10px 12px;border:1px solid #d1d5db;border-radius:10px;font:inherit;resize:vertical}
textarea:focus{outline:3px solid color-mix(in srgb,var(--c) 35%,#fff);border-color:var(--c)}
button{margin-top:16px;background:var(--c);color:var(--on);border:0;border-radius:10px;padding:12px 22px;
font:inherit;font-weight:600;cursor:pointer}
button:focus-visible{outline:3px solid var(--c);outline-offset:2px}
.err{background:#fef2f2;color:#991b1b;border-radius:8px;padding:10px 12px;margin:0 0 16px}
p{margin:0 0 8px;color:#374151}
@media (max-width:480px){main{padding:24px 16px}.scale{gap:3px}.scale label{height:40px;border-radius:8px;font-size:.9rem}}
@media (prefers-reduced-motion:reduce){*{transition:none!important}}
`;

function layout(locale: Locale, title: string, color: string, body: Html): Html {
  const c = safeColor(color);
  return html`<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${title}</title>
<style>:root{--c:${raw(c)};--on:${raw(textOn(c))}}${raw(CSS)}</style></head>
<body><main>${body}</main></body></html>`;
}

export interface SurveyPageInput {
  survey: PublicSurvey;
  responseId: string;
  /** The answer's edit token, sent with every state of it (lib/editToken.ts). */
  editToken: string;
  token?: string;
  channel: "link" | "email";
  score?: number;
  comment?: string;
  /** Record the preselected score once the script has seen a person (a pointer, touch, key or focus). */
  sendOnLoad: boolean;
  error?: string;
}

export function surveyPage(p: SurveyPageInput): Html {
  const { survey: s, score } = p;
  const t = s.texts;
  const [lo, hi] = s.scale;
  const followUp = score === undefined ? UI[s.locale].why! : t.followUp[categoryOf(s.kind, score)]!;
  const options: Html[] = [];
  for (let n = lo; n <= hi; n++) {
    const end = n === lo ? t.lowLabel : n === hi ? t.highLabel : "";
    // The ends carry their meaning in their name ("0, Not likely"); the visible end labels are
    // hidden from screen readers so they are not read twice.
    options.push(html`<input type="radio" name="score" id="s${n}" value="${n}"${end ? html` aria-label="${n}, ${end}"` : ""}${raw(n === score ? " checked" : "")}>
<label for="s${n}">${n}</label>`);
  }
  const body = html`<form method="post" action="/s/${encodeURIComponent(s.id)}" data-survey="${s.id}"
 data-cuts="${s.cuts.join(",")}" data-detractor="${t.followUp.detractor}" data-passive="${t.followUp.passive}"
 data-promoter="${t.followUp.promoter}" data-send="${p.sendOnLoad ? "1" : ""}">
${p.error ? html`<p class="err" role="alert">${p.error}</p>` : ""}
<input type="hidden" name="id" value="${p.responseId}">
<input type="hidden" name="k" value="${p.editToken}">
${p.token ? html`<input type="hidden" name="t" value="${p.token}">` : ""}
<input type="hidden" name="lang" value="${s.locale}">
<input type="hidden" name="channel" value="${p.channel}">
<fieldset><legend><h1 id="q">${t.question}</h1></legend>
<div class="scale" style="--n:${hi - lo + 1}">${options}</div>
<div class="ends" aria-hidden="true"><span>${t.lowLabel}</span><span>${t.highLabel}</span></div>
</fieldset>
<label class="q" for="comment" id="fu">${followUp}</label>
<textarea id="comment" name="comment" maxlength="5000" placeholder="${t.commentPlaceholder}">${p.comment ?? ""}</textarea>
<button type="submit">${t.submit}</button>
</form>
<script src="/survey.js" defer></script>`;
  return layout(s.locale, t.question, s.theme.color, body);
}

export function thanksPage(s: PublicSurvey): Html {
  const body = html`<h1 role="status">${s.texts.thankYou}</h1><p>${UI[s.locale].closeTab}</p>`;
  return layout(s.locale, s.texts.thankYou, s.theme.color, body);
}

export function messagePage(locale: Locale, title: string, help: string): Html {
  return layout(locale, title, "", html`<h1>${title}</h1><p>${help}</p>`);
}
