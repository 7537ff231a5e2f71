/** The columns of `users` an actor is made of (`Member`): select them to act as someone. */
import { users } from "../../../db/schema";

export const memberColumns = {
  id: users.id,
  username: users.username,
  role: users.role,
  suspendedUntil: users.suspendedUntil,
  trustLevel: users.trustLevel,
};
