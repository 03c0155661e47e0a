/**
 * The link page's script (the page works without it). It records a chosen score the moment it is
 * chosen, so an answer survives a closed tab, and words the follow-up question by the score's
 * category. The form POST then adds the comment to the same response (same id and edit token).
 *
 * A score preselected by an email's score link is recorded only once a person shows themselves
 * (a pointer, a touch, a key or a focus; the submit does too). Email security scanners open every
 * link in a message, some in a headless browser that runs this script; they produce none of
 * those events, so they record nothing. The trade-off: a person who clicks a score in the email
 * and closes the page without touching it is not counted (docs/WIDGET.md).
 */
const form = document.querySelector<HTMLFormElement>("form[data-survey]");
if (form) {
  const d = form.dataset;
  const [det, pas] = d.cuts!.split(",").map(Number);
  // The same endpoint as the form itself, so the channel (link or email) is the page's, and the
  // same fields: the id and edit token make both writes one answer.
  let queue: Promise<unknown> = Promise.resolve();
  const send = (score: number) => {
    const body = new URLSearchParams();
    for (const n of ["id", "k", "t", "lang", "channel"]) {
      const v = (form.elements.namedItem(n) as HTMLInputElement | null)?.value;
      if (v) body.set(n, v);
    }
    body.set("score", String(score));
    // One at a time, in order, so an older score never lands after a newer one. The form POST
    // still carries the score if these fail.
    queue = queue.then(() => fetch(form.action, { method: "POST", body, keepalive: true }).catch(() => {}));
  };
  const reword = (n: number) => {
    const label = document.getElementById("fu");
    if (label) label.textContent = (n <= det! ? d.detractor : n <= pas! ? d.passive : d.promoter) ?? "";
  };
  form.addEventListener("change", (e) => {
    const t = e.target as HTMLInputElement;
    if (t.name == "score" && e.isTrusted) {
      reword(+t.value);
      send(+t.value);
    }
  });
  const pre = form.querySelector<HTMLInputElement>("input[name=score]:checked");
  if (pre && d.send) {
    const signs = ["pointermove", "pointerdown", "touchstart", "keydown", "focusin"];
    const person = (e: Event) => {
      if (!e.isTrusted) return;
      for (const s of signs) removeEventListener(s, person, true);
      if (pre.checked) send(+pre.value);
    };
    for (const s of signs) addEventListener(s, person, { capture: true, passive: true });
  }
}
