"use client";
import { useActionState, useEffect, useState } from "react";
import { Checkbox, Field, FieldError, FormMessage, SubmitButton, TextArea, inputClass } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { updateProfileAction } from "@/lib/creators/actions";

type Profile = {
  slug: string;
  displayName: string;
  bio: string;
  avatarUrl: string | null;
  /** Null for a profile not saved yet: the browser's own zone is proposed (not UTC). */
  timeZone: string | null;
  published: boolean;
};

export function ProfileForm({ profile, timeZones }: { profile: Profile; timeZones: string[] }) {
  const [state, action] = useActionState(updateProfileAction, initialActionState);
  const v = state.values;
  const [browserZone, setBrowserZone] = useState("");
  useEffect(() => setBrowserZone(Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  const zone = v?.timeZone ?? profile.timeZone ?? browserZone;
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
            defaultValue={zone}
            key={zone}
            aria-invalid={state.fieldErrors?.timeZone ? true : undefined}
            aria-describedby={profile.timeZone === null ? "f-timeZone-hint f-timeZone-error" : "f-timeZone-error"}
            className={inputClass}
          />
          <datalist id="time-zones">
            {timeZones.map((tz) => (
              <option key={tz} value={tz} />
            ))}
          </datalist>
          {profile.timeZone === null ? (
            <p id="f-timeZone-hint" className="mt-1 text-xs text-slate-600">
              From your browser. Your weekly hours are in this zone.
            </p>
          ) : null}
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
