import type { Metadata } from "next";
import { notFound } from "next/navigation";
import Markdown from "react-markdown";
import { isLegalDoc, legalDocument, legalTitles } from "@/lib/branding/legal";
import { getBrand } from "@/lib/branding/queries";

/** A single line break in the text stays a line break (Markdown would join the lines). */
const keepLineBreaks = (text: string) => text.replace(/([^\n])\n(?!\n)/g, "$1  \n");

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
      {/* Markdown, rendered safely: react-markdown writes no raw HTML from the text (it is shown as text),
          and drops javascript: and other unsafe link targets. */}
      <div className="legal-text mt-6 space-y-3 text-slate-800" data-testid="legal-text">
        <Markdown skipHtml>{keepLineBreaks(legal.text)}</Markdown>
      </div>
    </article>
  );
}
