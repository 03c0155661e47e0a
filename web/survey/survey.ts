/**
 * The link page's script (the page works without it). When it runs, a real browser is showing
 * the page, so it may record what an email scanner must not: the score preselected by a score
 * link, once the page is visible, and each newly chosen score right away. It also words the
 * follow-up question by the chosen score's category. The form POST then adds the comment to the
 * same response (same id).
 */
const form = document.querySelector<HTMLFormElement>("form[data-survey]");
if (form) {
  const d = form.dataset;
  const [det, pas] = d.cuts!.split(",").map(Number);
  const field = (n: string) => (form.elements.namedItem(n) as HTMLInputElement | null)?.value;
  const send = (score: number) =>
    fetch(`/api/v1/surveys/${encodeURIComponent(d.survey!)}/responses`, {
      method: "POST",
      // text/plain JSON, like the widget: the API accepts it and it needs no preflight.
      body: JSON.stringify({
        id: field("id"),
        score,
        locale: field("lang"),
        channel: field("channel"),
        ...(field("t") ? { token: field("t") } : {}),
      }),
      keepalive: true,
    }).catch(() => {}); // the form POST still carries the score if this one fails
  const reword = (n: number) => {
    const label = document.getElementById("fu");
    if (label) label.textContent = (n <= det! ? d.detractor : n <= pas! ? d.passive : d.promoter) ?? "";
  };
  form.addEventListener("change", (e) => {
    const t = e.target as HTMLInputElement;
    if (t.name == "score") {
      reword(+t.value);
      send(+t.value);
    }
  });
  const pre = form.querySelector<HTMLInputElement>("input[name=score]:checked");
  if (pre && d.send) {
    const go = () => {
      if (document.visibilityState != "visible") return;
      document.removeEventListener("visibilitychange", go);
      send(+pre.value);
    };
    document.addEventListener("visibilitychange", go);
    go();
  }
}
