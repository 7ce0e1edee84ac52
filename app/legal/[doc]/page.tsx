import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { isLegalDoc, legalDocument, legalTitles } from "@/lib/branding/legal";
import { getBrand } from "@/lib/branding/queries";

type Props = { params: Promise<{ doc: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { doc } = await params;
  return { title: isLegalDoc(doc) ? legalTitles[doc] : "Not found" };
}

// /legal/terms, /legal/privacy – the operator's legal text from the brand settings, or the default written from the brand.
export default async function LegalPage({ params }: Props) {
  const { doc } = await params;
  if (!isLegalDoc(doc)) notFound();
  const brand = await getBrand();
  const legal = legalDocument(brand, doc);
  return (
    <article className="max-w-none">
      <h1 className="text-2xl font-bold">{legal.title}</h1>
      <p className="mt-1 text-sm text-slate-600">
        {brand.legalName} · version <span data-testid="legal-version">{legal.version}</span>
      </p>
      <div className="mt-6 whitespace-pre-wrap text-slate-800">{legal.text}</div>
    </article>
  );
}
