"use client";
import { useActionState } from "react";
import { Checkbox, Field, FieldError, FormMessage, SubmitButton, TextArea, inputClass } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { updateProfileAction } from "@/lib/creators/actions";

type Profile = {
  slug: string;
  displayName: string;
  bio: string;
  avatarUrl: string | null;
  timeZone: string;
  published: boolean;
};

export function ProfileForm({ profile, timeZones }: { profile: Profile; timeZones: string[] }) {
  const [state, action] = useActionState(updateProfileAction, initialActionState);
  const v = state.values;
  return (
    <form action={action} className="space-y-4" noValidate aria-label="Profile">
      <FormMessage state={state} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Display name" name="displayName" defaultValue={profile.displayName} required state={state} />
        <Field
          label="Profile address"
          name="slug"
          defaultValue={profile.slug}
          required
          hint={`Your page: /creators/${profile.slug}`}
          state={state}
        />
      </div>
      <TextArea label="Bio" name="bio" rows={4} defaultValue={profile.bio} state={state} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Photo address (https://…)"
          name="avatarUrl"
          type="url"
          defaultValue={profile.avatarUrl ?? ""}
          state={state}
        />
        <div>
          <label htmlFor="f-timeZone" className="block text-sm font-medium text-slate-800">
            Time zone
          </label>
          <input
            id="f-timeZone"
            name="timeZone"
            list="time-zones"
            defaultValue={v?.timeZone ?? profile.timeZone}
            key={v?.timeZone ?? profile.timeZone}
            aria-invalid={state.fieldErrors?.timeZone ? true : undefined}
            aria-describedby="f-timeZone-error"
            className={inputClass}
          />
          <datalist id="time-zones">
            {timeZones.map((tz) => (
              <option key={tz} value={tz} />
            ))}
          </datalist>
          <FieldError id="f-timeZone-error" message={state.fieldErrors?.timeZone?.[0]} />
        </div>
      </div>
      <Checkbox
        label="Published: show my profile in the directory"
        name="published"
        defaultChecked={profile.published}
        state={state}
      />
      <SubmitButton>Save profile</SubmitButton>
    </form>
  );
}
