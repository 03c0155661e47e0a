/** The widget's CSS, inside its shadow root so the host page's styles cannot reach it. */
export const CSS = `:host{all:initial}
.w{position:fixed;z-index:2147483000;bottom:20px;right:20px;width:400px;box-sizing:border-box;padding:20px 20px 18px;background:#fff;color:#111827;border-radius:14px;box-shadow:0 2px 6px rgb(0 0 0/.08),0 16px 40px rgb(0 0 0/.16);border-top:4px solid var(--c);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;animation:i .3s ease-out}
.bottom-left{right:auto;left:20px}.bottom{right:auto;left:50%;transform:translateX(-50%);width:560px}.center{bottom:auto;top:50%;right:auto;left:50%;transform:translate(-50%,-50%);width:520px}
@keyframes i{from{opacity:0;translate:0 16px}}
*{box-sizing:border-box;font:inherit;color:inherit}
.q{margin:0 32px 14px 0;font-weight:650;font-size:16px;line-height:1.35;display:block}
.s{display:grid;grid-template-columns:repeat(var(--n),1fr);gap:4px}
.s button{height:38px;padding:0;border:1px solid #d1d5db;border-radius:8px;background:#fff;font-weight:600;font-size:14px;cursor:pointer;transition:background .15s,border-color .15s}
.s button:hover{border-color:var(--c);background:color-mix(in srgb,var(--c) 10%,#fff)}
.s [aria-checked=true]{background:var(--c);border-color:var(--c);color:var(--o)}
button:focus-visible,textarea:focus-visible{outline:3px solid var(--c);outline-offset:2px}
.e{display:flex;justify-content:space-between;margin:6px 0 0;font-size:12px;color:#4b5563}
.f{margin-top:16px}
textarea{display:block;width:100%;min-height:84px;padding:9px 11px;border:1px solid #d1d5db;border-radius:8px;resize:vertical;font-size:14px}
textarea::placeholder{color:#6b7280}
.go{margin-top:10px;padding:9px 18px;border:0;border-radius:8px;background:var(--c);color:var(--o);font-weight:600;cursor:pointer}
.x{position:absolute;top:10px;right:10px;width:32px;height:32px;border:0;border-radius:8px;background:none;color:#4b5563;font-size:22px;line-height:1;cursor:pointer}
.x:hover{background:#f3f4f6}
.t{margin:4px 32px 4px 0;font-weight:650;font-size:16px}
@media (max-width:520px){.w{left:0;right:0;bottom:0;top:auto;width:auto;transform:none;border-radius:16px 16px 0 0;padding:18px 14px 20px}.s{gap:3px}.s button{height:40px;font-size:13px}}
@media (prefers-reduced-motion:reduce){.w{animation:none}*{transition:none!important}}`;
