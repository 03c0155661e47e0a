/**
 * The survey card: question, a radio group of scores, the follow-up question worded by the
 * score's category, and the thank-you. Scores are buttons with role="radio" and a roving
 * tabindex: arrow keys move between them and Space/Enter chooses, because choosing sends the
 * score at once and merely moving through the scale must not.
 */
import { CSS } from "./style";

export interface Settings {
  id: string;
  locale: string;
  scale: [number, number];
  cuts: [number, number];
  theme: { color: string; position: string };
  texts: Record<string, string> & { followUp: Record<string, string> };
  show: boolean;
  sampling: number;
  resurveyDays: number;
  dismissDays: number;
}

export interface Handlers {
  score(n: number): void;
  comment(text: string): void;
  close(answered: boolean, text: string): void;
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** White or near-black text on the survey colour, whichever contrasts more (WCAG luminance). */
function on(hex: string) {
  let l = 0;
  for (const [i, w] of [
    [1, 0.2126],
    [3, 0.7152],
    [5, 0.0722],
  ]) {
    const v = parseInt(hex.slice(i!, i! + 2), 16) / 255;
    l += w! * (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  }
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.0564 ? "#fff" : "#111";
}

export function open(s: Settings, h: Handlers): () => void {
  const t = s.texts;
  const [lo, hi] = s.scale;
  const host = document.createElement("div");
  const root = host.attachShadow({ mode: "open" });
  const color = /^#[0-9a-f]{6}$/i.test(s.theme.color) ? s.theme.color : "#4f46e5";
  let buttons = "";
  for (let n = lo; n <= hi; n++) {
    const end = n == lo ? t.lowLabel : n == hi ? t.highLabel : "";
    buttons += `<button role="radio" aria-checked="false" tabindex="${n == lo ? 0 : -1}"${end ? ` aria-label="${n}, ${esc(end)}"` : ""}>${n}</button>`;
  }
  root.innerHTML = `<style>${CSS}</style><div class="w ${esc(s.theme.position)}" role="dialog" aria-label="${esc(t.question!)}" lang="${esc(s.locale)}" style="--c:${color};--o:${on(color)}"><button class="x" aria-label="${esc(t.close!)}">×</button><div class="b"><p class="q" id="q">${esc(t.question!)}</p><div class="s" role="radiogroup" aria-labelledby="q" style="--n:${hi - lo + 1}">${buttons}</div><div class="e" aria-hidden="true"><span>${esc(t.lowLabel!)}</span><span>${esc(t.highLabel!)}</span></div><div class="f" hidden><label class="q" for="c"></label><textarea id="c" maxlength="5000" placeholder="${esc(t.commentPlaceholder!)}"></textarea><button class="go">${esc(t.submit!)}</button></div></div></div>`;
  const $ = (q: string) => root.querySelector(q) as HTMLElement;
  const radios = [...root.querySelectorAll<HTMLElement>("[role=radio]")];
  const box = $(".f");
  const text = $("textarea") as HTMLTextAreaElement;
  let answered = false;

  const remove = () => host.remove();
  const thanks = () => {
    $(".b").innerHTML = `<p class="t" role="status">${esc(t.thankYou!)}</p>`;
    setTimeout(remove, 4e3);
  };

  radios.forEach((b, i) => {
    b.onclick = () => {
      radios.forEach((r, j) => {
        r.setAttribute("aria-checked", String(i == j));
        r.tabIndex = i == j ? 0 : -1;
      });
      const n = lo + i;
      const [d, p] = s.cuts;
      $("label").textContent = t.followUp[n <= d ? "detractor" : n <= p ? "passive" : "promoter"]!;
      box.hidden = false;
      answered = true;
      h.score(n);
      text.focus();
    };
    b.onkeydown = (e) => {
      const k = e.key;
      const to = k == "Home" ? 0 : k == "End" ? radios.length - 1 : /Right|Down/.test(k) ? i + 1 : /Left|Up/.test(k) ? i - 1 : -9;
      if (to == -9) return;
      e.preventDefault();
      const r = radios[(to + radios.length) % radios.length]!;
      radios.forEach((x) => (x.tabIndex = x == r ? 0 : -1));
      r.focus();
    };
  });
  $(".go").onclick = () => {
    h.comment(text.value);
    thanks();
  };
  $(".x").onclick = () => {
    h.close(answered, text.value);
    remove();
  };
  // Escape closes, as in any dialog: the same as the close button. (A block body: a handler
  // property returning false would cancel every other key, Tab included.)
  $(".w").onkeydown = (e) => {
    if (e.key == "Escape") $(".x").click();
  };
  document.body.appendChild(host);
  return remove;
}
