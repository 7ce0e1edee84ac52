import { notFound } from "next/navigation";
import { getBrand } from "@/lib/branding/queries";

const docs = {
  terms: { title: "Terms of service", key: "termsText" },
  privacy: { title: "Privacy policy", key: "privacyText" },
} as const;

// The operator's legal text, from the brand settings; a document that was not configured does not exist.
export default async function LegalPage({ params }: { params: Promise<{ doc: string }> }) {
  const { doc } = await params;
  const spec = docs[doc as keyof typeof docs];
  const brand = await getBrand();
  const text = spec ? brand[spec.key] : null;
  if (!spec || !text) notFound();
  return (
    <article className="prose max-w-none">
      <h1 className="text-2xl font-bold">{spec.title}</h1>
      <p className="mt-1 text-sm text-slate-500">{brand.legalName}</p>
      <div className="mt-6 whitespace-pre-wrap text-slate-800">{text}</div>
    </article>
  );
}
