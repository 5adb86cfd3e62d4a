import { variantLabel, type Variant } from "./format";

export function VariantBadge({ variant }: { variant: Variant }) {
  return (
    <span
      className={
        "rounded-full border border-surface-line bg-surface-sunken px-2 py-0.5 text-xs font-medium text-ink-muted"
      }
    >
      {variantLabel(variant)}
    </span>
  );
}
