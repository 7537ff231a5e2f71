/** The admin's reward form, for a new reward and for changing one (whose kind stays as created). */
import { Form } from "@remix-run/react";
import { FormError, SelectField, TextAreaField, TextField } from "~/components/ui/field";
import { REWARD_AUDIENCE_LABELS, REWARD_KIND_LABELS } from "~/models/rewards/rules";
import type { Failure } from "./rewards";

type RewardValues = {
  name: string;
  description: string;
  kind: keyof typeof REWARD_KIND_LABELS;
  audience: keyof typeof REWARD_AUDIENCE_LABELS;
  cost: number;
  stock: number | null;
};

const options = (labels: Record<string, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));

export function RewardForm({
  intent,
  reward,
  failure,
}: {
  intent: "create" | "update";
  reward?: RewardValues;
  failure: Failure | null;
}) {
  const values = failure?.values ?? {};
  const errors = failure?.fieldErrors ?? {};
  const value = (name: keyof RewardValues) => values[name] ?? (reward ? String(reward[name] ?? "") : undefined);
  return (
    <Form method="post" className="stacked-form">
      <input type="hidden" name="intent" value={intent} />
      <TextField name="name" label="Name" maxLength={80} defaultValue={value("name")} error={errors.name} />
      <TextAreaField
        name="description"
        label="Description"
        rows={3}
        maxLength={1000}
        defaultValue={value("description")}
        error={errors.description}
      />
      {reward ? (
        <p className="hint">Kind: {REWARD_KIND_LABELS[reward.kind]} (fixed once created)</p>
      ) : (
        <SelectField
          name="kind"
          label="Kind"
          options={options(REWARD_KIND_LABELS)}
          defaultValue={value("kind")}
          error={errors.kind}
        />
      )}
      <SelectField
        name="audience"
        label="Who may redeem it"
        options={options(REWARD_AUDIENCE_LABELS)}
        defaultValue={value("audience")}
        error={errors.audience}
      />
      <TextField
        name="cost"
        label="Cost in points"
        inputMode="numeric"
        defaultValue={value("cost")}
        error={errors.cost}
      />
      <TextField
        name="stock"
        label="Stock"
        hint="Empty for unlimited. Discount codes: leave empty, the codes you upload are the stock."
        inputMode="numeric"
        defaultValue={value("stock")}
        error={errors.stock}
      />
      <FormError message={failure?.formError} />
      <button type="submit" className="button button-small">
        {reward ? "Save reward" : "Add reward"}
      </button>
    </Form>
  );
}
