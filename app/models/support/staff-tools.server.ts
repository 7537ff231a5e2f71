/** What the follow-up page adds for staff: their reply draft, the macros to insert, and the customer panel. */
import { canSeeCustomerDetails, canUseMacros, isSignedIn, type Actor } from "~/lib/permissions.server";
import { customerPanel } from "./customer-panel.server";
import { draftOf } from "./drafts.server";
import { listMacros } from "./macros.server";

export async function staffTools(actor: Actor, followUp: { id: number; customerId: number }, at: Date) {
  if (!isSignedIn(actor) || !canSeeCustomerDetails(actor)) return { draft: null, macros: [], customerPanel: null };
  return {
    draft: await draftOf(actor, followUp.id),
    macros: canUseMacros(actor) ? (await listMacros(actor)).map(({ id, title }) => ({ id, title })) : [],
    customerPanel: await customerPanel(actor, followUp, at),
  };
}
