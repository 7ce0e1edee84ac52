import fs from "node:fs";
import path from "node:path";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import ErrorPage from "@/app/error";
import { BrandProvider } from "@/components/site/brand-context";
import { brandAssetKey, brandAssetKeyForFile, brandAssetUrl } from "@/lib/branding/assets-keys";
import { checkContrast, contrastErrors, formatRatio, nearestPassingShade } from "@/lib/branding/contrast";
import { brandSettingsInput, diffBrandSettings } from "@/lib/branding/schemas";
import { brandFromEnv, contrastRatio, mergeBrand } from "@/lib/branding/theme";
import { textToHtml, textWithFooter } from "@/lib/mail/html";

describe("the contrast check (WCAG AA for body text)", () => {
  it("passes colours whose readable text reaches 4.5:1 and fails those that do not", () => {
    expect(checkContrast("#4f46e5")).toMatchObject({ text: "#ffffff", passes: true });
    expect(checkContrast("#fde047")).toMatchObject({ text: "#111827", passes: true });
    // Mid tones fail with white and near-black alike.
    expect(checkContrast("#777777").passes).toBe(false);
    expect(checkContrast("#ff0000").passes).toBe(false);
    expect(formatRatio(4.4999)).toBe("4.49:1");
  });

  it("offers the nearest passing shade: same hue, the least change of lightness, and itself when it passes", () => {
    for (const c of ["#777777", "#ff0000", "#e11d48", "#0ea5e9", "#8b5cf6", "#f97316"]) {
      if (checkContrast(c).passes) {
        expect(nearestPassingShade(c)).toBe(c);
        continue;
      }
      const shade = nearestPassingShade(c);
      expect(checkContrast(shade).passes, `${c} → ${shade}`).toBe(true);
      // The first step that passes: only just over the line (a further shade would be far above it).
      expect(contrastRatio(shade, checkContrast(shade).text), `${c} → ${shade}`).toBeLessThan(4.8);
    }
    expect(nearestPassingShade("#4F46E5")).toBe("#4f46e5");
    const red = nearestPassingShade("#ff0000");
    // Pure red passes with dark text after a 3 % lighter step: the hue is kept.
    expect(red).toBe("#ff0f0f");
  });

  it("names every failing colour field with the suggestion, and nothing when all pass", () => {
    expect(contrastErrors({ primaryColor: "#4f46e5", accentColor: "#be185d" })).toBeNull();
    const errors = contrastErrors({ primaryColor: "#777777", accentColor: "#4f46e5" })!;
    expect(Object.keys(errors)).toEqual(["primaryColor"]);
    expect(errors.primaryColor![0]).toContain(nearestPassingShade("#777777"));
  });
});

describe("brand settings", () => {
  it("validate the console's input: colours, the statement descriptor's rules, empty as default", () => {
    const ok = brandSettingsInput.parse({
      name: " Agency ",
      primaryColor: "#ABCDEF",
      accentColor: "#123456",
      roomTheme: "light",
      legalName: "",
      supportEmail: "",
      statementDescriptorSuffix: "AGENCY 24",
    });
    expect(ok).toMatchObject({ name: "Agency", primaryColor: "#abcdef", legalName: null, supportEmail: null });
    const bad = brandSettingsInput.safeParse({
      name: "",
      primaryColor: "red",
      accentColor: "#123456",
      roomTheme: "sepia",
      statementDescriptorSuffix: "<script>*",
      logoKey: "../../etc/passwd",
    });
    expect(Object.keys(bad.error!.flatten().fieldErrors).sort()).toEqual(
      ["logoKey", "name", "primaryColor", "roomTheme", "statementDescriptorSuffix"].sort(),
    );
    expect(brandSettingsInput.safeParse({ ...ok, statementDescriptorSuffix: "1234" }).success).toBe(false);
  });

  it("diff field by field, and an uploaded logo wins over a logo URL and brings its favicon", () => {
    const base = Object.fromEntries(
      ["name", "logoKey", "faviconKey", "primaryColor", "accentColor", "roomTheme", "legalName", "supportEmail"]
        .concat(["termsText", "privacyText", "emailFooter", "statementDescriptorSuffix"])
        .map((k) => [k, null]),
    ) as Parameters<typeof diffBrandSettings>[0];
    expect(diffBrandSettings(base, { ...base, name: "A" })).toEqual([{ field: "name", before: null, after: "A" }]);
    const logoKey = brandAssetKey("logo", "a".repeat(32));
    const faviconKey = brandAssetKey("icon", "b".repeat(32));
    const defaults = brandFromEnv({
      BRAND_NAME: "X",
      BRAND_LOGO_URL: "https://cdn.example/logo.png",
      BRAND_PRIMARY_COLOR: "#4f46e5",
      BRAND_ACCENT_COLOR: "#db2777",
    });
    expect(mergeBrand(defaults, { logoKey, faviconKey, roomTheme: "nonsense" })).toMatchObject({
      logoUrl: `/brand-assets/logo-${"a".repeat(32)}.png`,
      faviconUrl: `/brand-assets/icon-${"b".repeat(32)}.png`,
      roomTheme: "dark",
    });
  });

  it("serve only names of the exact brand-image shape (no folder, no '..', no other type)", () => {
    expect(brandAssetKeyForFile(`logo-${"0".repeat(32)}.png`)).toBe(`brand/logo-${"0".repeat(32)}.png`);
    for (const f of [
      "../x",
      `logo-${"0".repeat(32)}.svg`,
      `logo-${"0".repeat(31)}.png`,
      "logo-..png",
      `a/logo-${"0".repeat(32)}.png`,
    ])
      expect(brandAssetKeyForFile(f), f).toBeNull();
    expect(brandAssetUrl("recordings/x.png")).toBeNull();
    expect(() => brandAssetKey("logo", "../../")).toThrow();
  });
});

describe("emails carry the brand", () => {
  const brand = {
    name: "Agency <Live>",
    logoUrl: "https://agency.test/brand-assets/logo-x.png",
    primaryColor: "#0f766e",
    legalName: "Agency Live GmbH",
    supportEmail: "help@agency.test",
    footer: null,
  };
  it("HTML with the logo and the footer; plain text with the footer; all escaped", () => {
    const html = textToHtml("Booked.", "Hi", brand);
    expect(html).toContain('<img src="https://agency.test/brand-assets/logo-x.png" alt="Agency &lt;Live&gt;"');
    expect(html).toContain("border-bottom:3px solid #0f766e");
    expect(html).toContain("Sent by Agency Live GmbH.<br>Questions? Write to help@agency.test.");
    expect(textWithFooter("Booked.\n", { ...brand, footer: "1 Main St" })).toBe(
      "Booked.\n\n--\n1 Main St\nQuestions? Write to help@agency.test.\n",
    );
    // Without a logo, the name (escaped) heads the message.
    expect(textToHtml("x", "y", { ...brand, logoUrl: null })).toContain('font-weight:700">Agency &lt;Live&gt;</div>');
  });
});

describe("the error page (client-only) names the brand", () => {
  const render = (brand: { name: string; supportEmail: string | null }) =>
    renderToStaticMarkup(
      createElement(BrandProvider, { brand }, createElement(ErrorPage, { error: new Error("x"), reset: () => {} })),
    );
  it("with its support address when there is one, its name otherwise", () => {
    expect(render({ name: "Northwind Live", supportEmail: "help@northwind.test" })).toContain(
      '<a class="underline" href="mailto:help@northwind.test">Northwind Live support at help@northwind.test</a>',
    );
    expect(render({ name: "Northwind Live", supportEmail: null })).toContain("contact Northwind Live support.");
  });
});

describe("no brand in the code", () => {
  // The brand comes from the settings (the console) or the BRAND_* defaults in lib/env-schema.ts and
  // .env.example; pages and components use the theme tokens (bg-brand, …) and the Brand object.
  const roots = ["app", "components"];
  const files = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      return e.isDirectory() ? files(p) : /\.(tsx?|css|mdx?)$/.test(e.name) ? [p] : [];
    });

  /** Whether a line of a page or component holds a brand: a hex colour (6 or 3 digits) or the product's name. */
  const holdsBrand = (line: string) =>
    /\bbooth\b/i.test(line) || /#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b(?![\w-])/.test(line.replace(/&#\d+;/g, ""));

  it("no file in app/ or components/ holds a colour hex value or the name 'Booth'", () => {
    const offenders: string[] = [];
    for (const file of roots.flatMap((r) => files(path.join(process.cwd(), r)))) {
      const text = fs.readFileSync(file, "utf8");
      text.split("\n").forEach((line, i) => {
        if (holdsBrand(line))
          offenders.push(`${path.relative(process.cwd(), file)}:${i + 1}: ${line.trim().slice(0, 100)}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it("the check itself catches a hex value and the name, and lets entities and ids through", () => {
    expect(holdsBrand('className="bg-[#4f46e5]"')).toBe(true);
    expect(holdsBrand('style="color: #fff"')).toBe(true);
    expect(holdsBrand("Welcome to Booth")).toBe(true);
    expect(holdsBrand("a &#8212; dash")).toBe(false);
    expect(holdsBrand('href="#main"')).toBe(false);
    expect(holdsBrand('id="#abc-def"')).toBe(false);
  });
});
