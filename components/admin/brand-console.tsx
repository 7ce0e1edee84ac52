"use client";
import { useActionState, useState } from "react";
import { FieldError, FormMessage, inputClass, SubmitButton } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { restoreBrandAction, saveBrandAction } from "@/lib/branding/actions";
import { AA_BODY_TEXT, checkContrast, formatRatio, isHexColor, nearestPassingShade } from "@/lib/branding/contrast";
import { BrandPreview } from "./brand-preview";

export type BrandFormValues = {
  name: string;
  logoKey: string;
  faviconKey: string;
  logoUrl: string;
  primaryColor: string;
  accentColor: string;
  roomTheme: "dark" | "light";
  legalName: string;
  supportEmail: string;
  termsText: string;
  privacyText: string;
  emailFooter: string;
  statementDescriptorSuffix: string;
};

function ContrastLine({ color, onPick, testId }: { color: string; onPick: (c: string) => void; testId: string }) {
  if (!isHexColor(color))
    return <p className="mt-1 text-xs text-slate-600">Enter a colour as # and six hex digits (#rrggbb).</p>;
  const c = checkContrast(color);
  const better = c.passes ? null : nearestPassingShade(color);
  return (
    <div className="mt-1 text-xs" data-testid={testId}>
      <p className={c.passes ? "text-green-800" : "text-red-700"}>
        Text on it: {formatRatio(c.ratio)} {c.passes ? "— passes AA for body text" : `— below AA (${AA_BODY_TEXT}:1)`}
      </p>
      {better ? (
        <button
          type="button"
          onClick={() => onPick(better)}
          className="mt-1 rounded border border-slate-300 bg-white px-2 py-0.5 font-medium text-slate-800 hover:bg-slate-50"
          data-testid={`${testId}-fix`}
        >
          Use the nearest passing shade {better}
        </button>
      ) : null}
    </div>
  );
}

/** The /admin/brand form with its live preview; saving makes a new version (lib/branding/service.ts). */
export function BrandConsole({ initial, defaults }: { initial: BrandFormValues; defaults: { name: string } }) {
  const [state, action] = useActionState(saveBrandAction, initialActionState);
  const [v, setV] = useState(initial);
  const [upload, setUpload] = useState<{ busy: boolean; error?: string }>({ busy: false });
  const set =
    <K extends keyof BrandFormValues>(key: K) =>
    (e: { target: { value: string } }) =>
      setV((old) => ({ ...old, [key]: e.target.value }));
  const err = (name: string) => state.fieldErrors?.[name]?.[0];

  async function onLogo(file: File | undefined) {
    if (!file) return;
    setUpload({ busy: true });
    try {
      const res = await fetch("/api/admin/brand/logo", {
        method: "POST",
        headers: { "content-type": file.type || "application/octet-stream" },
        body: file,
      });
      const body = (await res.json().catch(() => ({}))) as {
        error?: string;
        logoKey?: string;
        faviconKey?: string;
        logoUrl?: string;
      };
      if (!res.ok || !body.logoKey) {
        setUpload({ busy: false, error: body.error ?? `The upload failed (${res.status}).` });
        return;
      }
      setV((old) => ({
        ...old,
        logoKey: body.logoKey ?? "",
        faviconKey: body.faviconKey ?? "",
        logoUrl: body.logoUrl ?? "",
      }));
      setUpload({ busy: false });
    } catch {
      setUpload({ busy: false, error: "The upload did not reach the server. Try again." });
    }
  }

  const field = (
    key: keyof BrandFormValues,
    label: string,
    props: React.InputHTMLAttributes<HTMLInputElement> = {},
  ) => (
    <div>
      <label htmlFor={`brand-${key}`} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <input
        id={`brand-${key}`}
        name={key}
        value={v[key]}
        onChange={set(key)}
        aria-invalid={err(key) ? true : undefined}
        aria-describedby={err(key) ? `brand-${key}-error` : undefined}
        className={inputClass}
        {...props}
      />
      <FieldError id={`brand-${key}-error`} message={err(key)} />
    </div>
  );
  const area = (key: keyof BrandFormValues, label: string, rows: number, hint?: string) => (
    <div>
      <label htmlFor={`brand-${key}`} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <textarea
        id={`brand-${key}`}
        name={key}
        rows={rows}
        value={v[key]}
        onChange={set(key)}
        aria-invalid={err(key) ? true : undefined}
        aria-describedby={`brand-${key}-hint`}
        className={inputClass}
      />
      {hint ? (
        <p id={`brand-${key}-hint`} className="mt-1 text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      <FieldError message={err(key)} />
    </div>
  );
  const colour = (key: "primaryColor" | "accentColor", label: string) => (
    <div>
      <label htmlFor={`brand-${key}`} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <div className="mt-1 flex items-center gap-2">
        <input
          type="color"
          aria-label={`${label} picker`}
          value={isHexColor(v[key]) ? v[key] : initial[key]}
          onChange={set(key)}
          className="h-10 w-12 rounded border border-slate-300 bg-white"
          data-testid={`${key}-picker`}
        />
        <input
          id={`brand-${key}`}
          name={key}
          value={v[key]}
          onChange={set(key)}
          aria-invalid={err(key) ? true : undefined}
          aria-describedby={err(key) ? `brand-${key}-error` : undefined}
          className={`${inputClass} mt-0 font-mono`}
          maxLength={7}
        />
      </div>
      <ContrastLine color={v[key]} onPick={(c) => setV((old) => ({ ...old, [key]: c }))} testId={`${key}-contrast`} />
      <FieldError id={`brand-${key}-error`} message={err(key)} />
    </div>
  );

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
      <form action={action} className="space-y-5" aria-label="Brand settings">
        <FormMessage state={state} />
        {field("name", "Platform name", { required: true, maxLength: 60, placeholder: defaults.name })}
        <div>
          <label htmlFor="brand-logo" className="block text-sm font-medium text-slate-800">
            Logo
          </label>
          <input
            id="brand-logo"
            type="file"
            accept="image/png,image/jpeg,image/webp"
            onChange={(e) => void onLogo(e.target.files?.[0])}
            aria-describedby="brand-logo-hint"
            className="mt-1 block text-sm"
            data-testid="logo-input"
          />
          <p id="brand-logo-hint" className="mt-1 text-xs text-slate-600">
            PNG, JPEG or WebP, up to 1 MB; resized to fit 512×512, and the favicon is made from it. SVG is refused (it
            can carry scripts).
          </p>
          {upload.busy ? (
            <p role="status" className="mt-1 text-xs text-slate-600">
              Uploading…
            </p>
          ) : null}
          {upload.error ? (
            <p role="alert" className="mt-1 text-sm text-red-700" data-testid="logo-error">
              {upload.error}
            </p>
          ) : null}
          {v.logoKey ? (
            <button
              type="button"
              className="mt-2 text-sm text-slate-700 underline"
              onClick={() => setV((old) => ({ ...old, logoKey: "", faviconKey: "", logoUrl: "" }))}
            >
              Remove the logo
            </button>
          ) : null}
          <input type="hidden" name="logoKey" value={v.logoKey} />
          <input type="hidden" name="faviconKey" value={v.faviconKey} />
          <FieldError message={err("logoKey")} />
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          {colour("primaryColor", "Primary colour")}
          {colour("accentColor", "Accent colour")}
        </div>
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">Room theme</legend>
          <div className="mt-1 flex gap-4 text-sm">
            {(["dark", "light"] as const).map((t) => (
              <label key={t} className="flex items-center gap-1">
                <input
                  type="radio"
                  name="roomTheme"
                  value={t}
                  checked={v.roomTheme === t}
                  onChange={() => setV((old) => ({ ...old, roomTheme: t }))}
                />
                {t === "dark" ? "Dark" : "Light"}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="grid gap-4 sm:grid-cols-2">
          {field("legalName", "Legal name", { maxLength: 120 })}
          {field("supportEmail", "Support email", { type: "email" })}
        </div>
        {field("statementDescriptorSuffix", "Card statement suffix", { maxLength: 22 })}
        {area("emailFooter", "Email footer", 2, "Shown under every email, in plain text and HTML.")}
        {area("termsText", "Terms of service", 6, "Markdown. Empty: the default terms written from the brand.")}
        {area("privacyText", "Privacy policy", 6, "Markdown. Empty: the default policy written from the brand.")}
        <SubmitButton pendingText="Saving…">Save as a new version</SubmitButton>
      </form>
      <aside aria-label="Preview" className="lg:sticky lg:top-4 lg:self-start">
        <BrandPreview
          brand={{
            name: v.name,
            logoUrl: v.logoUrl || null,
            primaryColor: v.primaryColor,
            accentColor: v.accentColor,
            roomTheme: v.roomTheme,
            legalName: v.legalName,
            supportEmail: v.supportEmail,
            emailFooter: v.emailFooter,
          }}
        />
      </aside>
    </div>
  );
}

/** One version's "Restore" button. */
export function RestoreVersion({ versionId, number }: { versionId: string; number: number }) {
  const [state, action] = useActionState(restoreBrandAction, initialActionState);
  return (
    <form action={action} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="versionId" value={versionId} />
      <SubmitButton
        variant="secondary"
        pendingText="Restoring…"
        className="px-2 py-1"
        label={`Restore version ${number}`}
      >
        Restore
      </SubmitButton>
      {state.message ? (
        <span
          role={state.ok ? "status" : "alert"}
          className={state.ok ? "text-xs text-green-800" : "text-xs text-red-700"}
        >
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
