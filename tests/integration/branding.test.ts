import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { HttpClient } from "../helpers/http";

describe("white-label brand", () => {
  afterAll(async () => {
    await db.brandSettings.deleteMany({ where: { id: "default" } });
  });

  it("pages take the name, colours and legal text from the brand settings, without a deploy", async () => {
    const before = await (await new HttpClient().fetch("/")).text();
    expect(before).toContain("--brand-primary:#4f46e5");
    // Without configured text, the default terms are written from the brand.
    expect(await (await new HttpClient().fetch("/legal/terms")).text()).toContain("These terms apply when you use");

    await db.brandSettings.create({
      data: {
        id: "default",
        name: "Agency Live",
        primaryColor: "#fde047",
        legalName: "Agency Live GmbH",
        termsText: "Be kind.",
      },
    });
    const html = await (await new HttpClient().fetch("/")).text();
    expect(html).toContain("<title>Agency Live</title>");
    // Dark text is chosen on a light brand colour, for contrast.
    expect(html).toContain("--brand-primary:#fde047;--brand-on-primary:#111827");
    expect(html).toContain("Agency Live GmbH");
    const terms = await new HttpClient().fetch("/legal/terms");
    expect(terms.status).toBe(200);
    const text = await terms.text();
    expect(text).toContain("Be kind.");
    expect(text).not.toContain("These terms apply when you use");
  });
});
