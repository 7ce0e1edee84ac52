import { ImageResponse } from "next/og";
import { getBrand } from "@/lib/branding/queries";
import { brandLogoDataUrl } from "@/lib/branding/assets";
import { readableOn } from "@/lib/branding/theme";

export const alt = "Social preview";
export const size = { width: 1200, height: 630 };
export const contentType = "image/png";
// Drawn from the brand in force on each request: a rebrand shows in link previews at once.
export const dynamic = "force-dynamic";

export default async function OpenGraphImage() {
  const brand = await getBrand();
  const logo = await brandLogoDataUrl(brand);
  const text = readableOn(brand.primaryColor);
  return new ImageResponse(
    <div
      style={{
        width: "100%",
        height: "100%",
        display: "flex",
        flexDirection: "column",
        alignItems: "center",
        justifyContent: "center",
        gap: 32,
        background: brand.primaryColor,
        color: text,
      }}
    >
      {/* biome-ignore lint/performance/noImgElement: drawn by satori into a PNG, not a page */}
      {logo ? <img src={logo} width={160} height={160} alt="" style={{ objectFit: "contain" }} /> : null}
      <div style={{ fontSize: 80, fontWeight: 700 }}>{brand.name}</div>
      <div style={{ fontSize: 36 }}>Private video sessions and live rooms with creators</div>
    </div>,
    size,
  );
}
