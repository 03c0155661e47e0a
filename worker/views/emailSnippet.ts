/**
 * The email "first question": the survey question and one link per score, as table-based HTML
 * with inline styles (what mail clients render), to paste into any mailing tool. Each link opens
 * the link page with the score preselected; the page records it once a real browser shows it.
 */
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { PublicSurvey } from "../services/publicSurvey";
import { safeColor } from "./colors";

export function scoreLink(base: string, surveyId: string, score: number, tokenTag?: string): string {
  const url = `${base}/s/${encodeURIComponent(surveyId)}?score=${score}`;
  // The merge tag is left as typed: the mailing tool replaces it with each person's token.
  return tokenTag ? `${url}&t=${tokenTag}` : url;
}

export async function emailSnippet(base: string, s: PublicSurvey, tokenTag?: string): Promise<string> {
  const [lo, hi] = s.scale;
  const color = safeColor(s.theme.color);
  const cells: (HtmlEscapedString | Promise<HtmlEscapedString>)[] = [];
  for (let n = lo; n <= hi; n++) {
    cells.push(
      html`<td style="padding:0 2px"><a href="${scoreLink(base, s.id, n, tokenTag)}" style="display:block;width:34px;line-height:34px;text-align:center;border:1px solid #d1d5db;border-radius:6px;background:#ffffff;color:${raw(color)};font-size:15px;font-weight:bold;text-decoration:none">${n}</a></td>`,
    );
  }
  const n = hi - lo + 1;
  const left = Math.ceil(n / 2);
  const out =
    await html`<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:0 auto;font-family:Arial,Helvetica,sans-serif">
<tr><td colspan="${n}" style="padding:0 2px 12px;font-size:16px;line-height:1.4;color:#111827">${s.texts.question}</td></tr>
<tr>${cells}</tr>
<tr><td colspan="${left}" style="padding:6px 2px 0;font-size:12px;color:#6b7280;text-align:left">${s.texts.lowLabel}</td><td colspan="${n - left}" style="padding:6px 2px 0;font-size:12px;color:#6b7280;text-align:right">${s.texts.highLabel}</td></tr>
</table>`;
  return out.toString();
}
