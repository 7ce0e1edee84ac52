import { describe, expect, it } from "vitest";
import { textToHtml } from "@/lib/mail/html";

describe("the HTML part of an email", () => {
  it("escapes the text, keeps paragraphs and line breaks, and links web addresses without trailing punctuation", () => {
    const html = textToHtml(
      'Hi <Ann> & "Bo",\n\nReset here:\nhttps://booth.test/reset-password?token=a_b-c&x=1\nOr sign in (https://booth.test/signin).\n\n— Booth',
      "Reset <your> password",
    );
    expect(html).toContain("<title>Reset &lt;your&gt; password</title>");
    expect(html).toContain("<p>Hi &lt;Ann&gt; &amp; &quot;Bo&quot;,</p>");
    expect(html).toContain(
      'Reset here:<br><a href="https://booth.test/reset-password?token=a_b-c&amp;x=1">https://booth.test/reset-password?token=a_b-c&amp;x=1</a><br>',
    );
    expect(html).toContain('(<a href="https://booth.test/signin">https://booth.test/signin</a>).');
    expect(html).toContain("<p>— Booth</p>");
    expect(html).not.toMatch(/<script|<Ann>/);
  });
});
