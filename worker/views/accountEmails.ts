/**
 * The two e-mails about people's own access: the invitation to join and the password reset link.
 * Text and HTML parts; every value that comes from a person (the inviter's name, the workspace
 * address) is escaped in the HTML part. Same envelope as the other e-mails (lib/emailApi.ts).
 */
import type { Role } from "../db/schema";
import type { Locale } from "../locales";
import { escapeHtml as esc } from "./escape";

const ROLE = {
  en: { admin: "an admin", manager: "an account manager", viewer: "a viewer" },
  fr: { admin: "administrateur·rice", manager: "chargé·e de compte", viewer: "lecteur·rice" },
} as const;

const TEXT = {
  en: {
    inviteSubject: "You are invited to Baromètre",
    invite: (who: string, role: string) => `${who} invites you to Baromètre, the satisfaction survey workspace, as ${role}.`,
    someone: "An admin",
    inviteCta: "Accept the invitation",
    inviteExpiry: (days: number) => `The link works once, for ${days} days. If you did not expect it, ignore this e-mail.`,
    resetSubject: "Reset your Baromètre password",
    reset: "Someone (hopefully you) asked to reset the password of your Baromètre account.",
    resetCta: "Choose a new password",
    resetExpiry: (minutes: number) =>
      `The link works once, for ${minutes} minutes, and signs you out everywhere. If you did not ask, ignore this e-mail: your password stays as it is.`,
  },
  fr: {
    inviteSubject: "Vous êtes invité·e sur Baromètre",
    invite: (who: string, role: string) => `${who} vous invite sur Baromètre, l'espace des enquêtes de satisfaction, en tant que ${role}.`,
    someone: "Un administrateur",
    inviteCta: "Accepter l'invitation",
    inviteExpiry: (days: number) => `Le lien ne sert qu'une fois, pendant ${days} jours. Si vous ne l'attendiez pas, ignorez ce message.`,
    resetSubject: "Réinitialiser votre mot de passe Baromètre",
    reset: "Quelqu'un (vous, espérons-le) a demandé à réinitialiser le mot de passe de votre compte Baromètre.",
    resetCta: "Choisir un nouveau mot de passe",
    resetExpiry: (minutes: number) =>
      `Le lien ne sert qu'une fois, pendant ${minutes} minutes, et vous déconnecte partout. Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.`,
  },
} as const;

function message(
  id: string,
  to: { email: string; name: string | null },
  locale: Locale,
  subject: string,
  lines: string[],
  cta: string,
  link: string,
) {
  const [first, ...rest] = lines;
  return {
    id,
    to,
    locale,
    subject,
    text: `${first}\n\n${cta}: ${link}\n\n${rest.join("\n\n")}\n`,
    html:
      `<p>${esc(first ?? "")}</p><p><a href="${esc(link)}">${esc(cta)}</a></p>` +
      rest.map((l) => `<p style="font-size:12px;color:#666">${esc(l)}</p>`).join(""),
    links: { action: link },
  };
}

export function invitationEmail(m: {
  id: string;
  email: string;
  role: Role;
  locale: Locale;
  inviterName: string | null;
  link: string;
  days: number;
}) {
  const T = TEXT[m.locale];
  return message(
    m.id,
    { email: m.email, name: null },
    m.locale,
    T.inviteSubject,
    [T.invite(m.inviterName || T.someone, ROLE[m.locale][m.role]), T.inviteExpiry(m.days)],
    T.inviteCta,
    m.link,
  );
}

export function passwordResetEmail(m: { id: string; to: { email: string; name: string }; locale: Locale; link: string; minutes: number }) {
  const T = TEXT[m.locale];
  return message(
    m.id,
    { email: m.to.email, name: m.to.name || null },
    m.locale,
    T.resetSubject,
    [T.reset, T.resetExpiry(m.minutes)],
    T.resetCta,
    m.link,
  );
}
