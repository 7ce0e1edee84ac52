import type { Metadata } from "next";
import { DeleteAccountForm } from "@/components/account/delete-account-form";
import { EmailForm } from "@/components/account/email-form";
import { NameForm } from "@/components/account/name-form";
import { PasswordForm } from "@/components/account/password-form";
import { TimeZoneForm } from "@/components/account/time-zone-form";
import { Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { signOutEverywhereAction } from "@/lib/auth/actions";
import { requirePageUser } from "@/lib/auth/session";
import { listLiveSessions } from "@/lib/auth/sessions";
import { personalZone, timeZoneOptions } from "@/lib/time";

export const metadata: Metadata = { title: "Account" };
export const dynamic = "force-dynamic";

// /account – the signed-in user's account: name, password, their data, and where they are signed in.
export default async function AccountPage() {
  const user = await requirePageUser("/account");
  const sessions = await listLiveSessions(user);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Account</h1>
        <p className="text-slate-600">
          {user.name} · {user.email}
        </p>
      </div>

      <Card title="Your name">
        <NameForm name={user.name} />
      </Card>

      <Card title="Time zone">
        <p className="mb-3 text-sm text-slate-600" data-testid="time-zone-summary">
          We show your bookings, shows and reminder emails in <strong>{personalZone(user.timeZone)}</strong>.
        </p>
        <TimeZoneForm
          current={personalZone(user.timeZone)}
          zones={[...new Set(["UTC", personalZone(user.timeZone), ...timeZoneOptions()])]}
        />
      </Card>

      <Card title="Email address">
        <EmailForm />
      </Card>

      <Card title="Password">
        <PasswordForm />
      </Card>

      <Card title="Two-step sign-in">
        <p className="text-sm text-slate-600" data-testid="two-factor-summary">
          {user.twoFactor
            ? "On: signing in asks for a code from your authenticator app."
            : "Off. Turn it on to ask for a code from your phone after your password."}
        </p>
        <a href="/account/two-factor" className="mt-3 inline-block text-sm font-medium text-brand underline">
          {user.twoFactor ? "Manage two-step sign-in" : "Set up two-step sign-in"}
        </a>
      </Card>

      <Card title="Your data">
        <p className="text-sm text-slate-600">
          Download what we keep about you (your account, bookings, tickets, tips, payments, reports you filed and
          sign-ins) as a JSON file.
        </p>
        <a href="/account/export" className="mt-3 inline-block text-sm font-medium text-brand underline" download>
          Download my data
        </a>
      </Card>

      <Card title="Where you are signed in">
        <p className="text-sm text-slate-600" data-testid="session-count">
          {sessions.length === 1
            ? "You are signed in on 1 device or browser."
            : `You are signed in on ${sessions.length} devices or browsers.`}
        </p>
        <ul className="mt-3 divide-y divide-slate-100 text-sm">
          {sessions.map((s) => (
            <li key={s.id} className="py-2">
              Signed in <LocalTime iso={s.createdAt.toISOString()} />; ends <LocalTime iso={s.endsAt.toISOString()} />
            </li>
          ))}
        </ul>
        <form action={signOutEverywhereAction} className="mt-4">
          <p className="mb-3 text-sm text-slate-600">
            Lost a device or used a shared computer? Signing out everywhere ends every session at once, this one
            included.
          </p>
          <button
            type="submit"
            className="rounded-md bg-red-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-red-800"
          >
            Sign out everywhere
          </button>
        </form>
      </Card>

      <Card title="Delete account">
        <p className="mb-3 text-sm text-slate-600">
          Deleting removes your name and email address and signs you out everywhere; nobody can sign in to the account
          again. Records of past bookings, tickets, tips and payments are kept, without your name and address, because
          payment and tax rules require it and the other side of each booking keeps its history. Upcoming sessions,
          shows and tickets must be cancelled first.
        </p>
        <DeleteAccountForm />
      </Card>
    </div>
  );
}
