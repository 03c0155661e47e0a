/**
 * Closed lists that the database, the validators, the webhooks and the admin page share: each is
 * defined here once. Pure and dependency-free, so the admin page imports this file as it is.
 */

export const ROLES = ["admin", "manager", "viewer"] as const;
export type Role = (typeof ROLES)[number];
/** Roles that own accounts and follow up on answers (a viewer only reads). */
export const EDITOR_ROLES = ["admin", "manager"] as const satisfies readonly Role[];

export const WEBHOOK_EVENTS = ["response.created", "response.updated", "response.detractor", "contact.unsubscribed"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Where the widget sits on the host page. */
export const WIDGET_POSITIONS = ["bottom-right", "bottom-left", "bottom", "center"] as const;
export type WidgetPosition = (typeof WIDGET_POSITIONS)[number];

/** A new survey's settings when the request (or the admin form) leaves them out. */
export const SURVEY_DEFAULTS = {
  /** A contact who answered within this many days is not asked again (biannual: 182). */
  resurveyDays: 182,
  /** A contact who closed the survey is not asked again for this many days. */
  dismissDays: 30,
  samplingPercent: 100,
  theme: { color: "#4f46e5", position: "bottom-right" },
  cadence: { enabled: false, months: [1, 7], day: 15, windowDays: 21 },
} as const satisfies {
  resurveyDays: number;
  dismissDays: number;
  samplingPercent: number;
  theme: { color: string; position: WidgetPosition };
  cadence: { enabled: boolean; months: readonly number[]; day: number; windowDays: number };
};
