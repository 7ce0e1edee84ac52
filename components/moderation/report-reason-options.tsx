import { reportReasons } from "@/lib/moderation/schemas";

/** The options of a report's "What happened?" select, after a disabled "Choose one" (both report forms). */
export function ReportReasonOptions() {
  return (
    <>
      <option value="" disabled>
        Choose one
      </option>
      {Object.entries(reportReasons).map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </>
  );
}
