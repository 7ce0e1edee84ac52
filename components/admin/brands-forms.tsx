"use client";
import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { addBrandDomainAction, createBrandAction, removeBrandDomainAction } from "@/lib/branding/brands-actions";

/** A platform admin creates a brand: short name, display name, address, and its first admin. */
export function CreateBrandForm() {
  const [state, action] = useActionState(createBrandAction, initialActionState);
  return (
    <form action={action} className="grid gap-4 sm:grid-cols-2" data-testid="create-brand">
      <Field label="Short name" name="slug" state={state} hint="Lower-case letters, digits, dashes" required />
      <Field label="Name people see" name="name" state={state} required />
      <Field
        label="Address"
        name="url"
        state={state}
        hint="Like https://live.example.com; its host serves the brand"
        required
      />
      <div />
      <Field label="First admin's name" name="adminName" state={state} required />
      <Field label="First admin's email" name="adminEmail" type="email" state={state} required />
      <div className="flex items-center gap-3 sm:col-span-2">
        <SubmitButton pendingText="Creating…">Create brand</SubmitButton>
        <FormMessage state={state} />
      </div>
    </form>
  );
}

/** Adds a host (a second domain, a www. name) to a brand. */
export function AddHostForm({ brandId, brandName }: { brandId: string; brandName: string }) {
  const [state, action] = useActionState(addBrandDomainAction, initialActionState);
  return (
    <form action={action} className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="brandId" value={brandId} />
      <Field label={`Add a host to ${brandName}`} name="host" state={state} className="min-w-[14rem]" required />
      <SubmitButton variant="secondary" pendingText="Adding…">
        Add host
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

/** Takes one host off a brand. */
export function RemoveHostForm({ brandId, host }: { brandId: string; host: string }) {
  const [state, action] = useActionState(removeBrandDomainAction, initialActionState);
  return (
    <form action={action} className="inline-flex items-center gap-2">
      <input type="hidden" name="brandId" value={brandId} />
      <input type="hidden" name="host" value={host} />
      <SubmitButton variant="secondary" className="px-2 py-0.5" label={`Remove ${host}`} pendingText="Removing…">
        Remove
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
