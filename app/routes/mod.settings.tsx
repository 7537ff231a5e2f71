import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { ModNav } from "~/components/mod-nav";
import { FormError, TextField } from "~/components/ui/field";
import { formValues, parseInput, parseIntent } from "~/lib/forms.server";
import { rowIdField } from "~/lib/row-ids";
import { actionResult, loaderResult, requireSignedIn } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { getModerationSettings, updateModerationSettings } from "~/models/moderation/settings.server";
import {
  addCustomerDomain,
  grantCustomerRole,
  listCustomerDomains,
  removeCustomerDomain,
} from "~/models/moderation/users.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Moderation settings and access" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  // listCustomerDomains checks the actor is an admin before anything is returned.
  return loaderResult(async () => ({
    domains: await listCustomerDomains(context.actor),
    settings: await getModerationSettings(),
  }));
}

const INTENTS = ["settings", "add-domain", "remove-domain", "grant"] as const;

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  const { actor } = context;
  return actionResult(async () => {
    const intent = parseIntent(INTENTS, values);
    switch (intent) {
      case "settings":
        await updateModerationSettings(actor, values);
        return { ok: true as const, message: "Settings saved." };
      case "add-domain": {
        const { domain, upgraded } = await addCustomerDomain(actor, values);
        return {
          ok: true as const,
          message: `Added ${domain}. ${upgraded === 1 ? "1 member" : `${upgraded} members`} with a confirmed address there became customers; others become customers when they confirm theirs.`,
        };
      }
      case "remove-domain": {
        const { id } = parseInput(z.object({ id: rowIdField("Choose a domain.") }), values);
        await removeCustomerDomain(actor, id);
        return { ok: true as const, message: "Domain removed. People already made customers keep the role." };
      }
      case "grant": {
        const { username } = await grantCustomerRole(actor, values);
        return { ok: true as const, message: `${username} is now a customer.` };
      }
    }
  }, values);
}

export default function ModerationSettings() {
  const { settings, domains } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : null;
  const failed = (intent: string) => (failure?.values?.intent === intent ? failure : null);
  return (
    <>
      <h1>Moderation</h1>
      <ModNav />
      {result?.ok ? (
        <p className="notice" role="status">
          {result.message}
        </p>
      ) : null}
      <section aria-labelledby="thresholds">
        <h2 id="thresholds" className="section-title">
          Thresholds
        </h2>
        <Form method="post" className="inline-fields">
          <input type="hidden" name="intent" value="settings" />
          <TextField
            name="flagHideThreshold"
            label="Flags that hide a post (by weight)"
            hint="A flag counts 1, 2 from the member trust level, 3 from regular; staff flags hide at once."
            inputMode="numeric"
            defaultValue={failed("settings")?.values?.flagHideThreshold ?? String(settings.flagHideThreshold)}
            error={failed("settings")?.fieldErrors.flagHideThreshold}
          />
          <button type="submit" className="button button-small">
            Save
          </button>
        </Form>
      </section>
      <section aria-labelledby="customers">
        <h2 id="customers" className="section-title">
          Customer access
        </h2>
        <p className="hint">
          Customers read customer-only articles and get support follow-ups. Grant the role to one person, or to everyone
          with a confirmed email address at a domain (a new account confirms its address through a link we email to it).
        </p>
        <Form method="post" className="inline-fields" key={`grant-${result?.ok ? result.message : ""}`}>
          <input type="hidden" name="intent" value="grant" />
          <TextField
            name="who"
            label="Username or email"
            maxLength={254}
            defaultValue={failed("grant")?.values?.who}
            error={failed("grant")?.fieldErrors.who}
          />
          <button type="submit" className="button button-small">
            Make customer
          </button>
        </Form>
        <Form method="post" className="inline-fields" key={`domain-${domains.length}`}>
          <input type="hidden" name="intent" value="add-domain" />
          <TextField
            name="domain"
            label="Email domain"
            placeholder="example.com"
            maxLength={253}
            defaultValue={failed("add-domain")?.values?.domain}
            error={failed("add-domain")?.fieldErrors.domain}
          />
          <button type="submit" className="button button-small">
            Add domain
          </button>
        </Form>
        {domains.length === 0 ? (
          <p>No domain rules yet.</p>
        ) : (
          <ul className="plain-list domain-list">
            {domains.map((domain) => (
              <li key={domain.id}>
                <strong>@{domain.domain}</strong>{" "}
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="remove-domain" />
                  <input type="hidden" name="id" value={domain.id} />
                  <button type="submit" className="link-button" aria-label={`Remove ${domain.domain}`}>
                    Remove
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        )}
        <FormError message={failure?.formError} />
      </section>
    </>
  );
}
