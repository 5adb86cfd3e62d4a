import { TwoFactorSetup } from "./two-factor-setup";

export const metadata = { title: "Two-factor sign-in" };

export default async function TwoFactorPage({ searchParams }: { searchParams: Promise<{ required?: string }> }) {
  const { required } = await searchParams;
  return (
    <>
      <h1 className="text-2xl font-semibold">Two-factor sign-in</h1>
      {required && (
        <p role="alert" className="rounded-md bg-warn-soft px-3 py-2 text-sm text-warn">
          {required === "staff"
            ? "The support console opens only after you set up two-factor sign-in."
            : "This organization requires two-factor sign-in. Set it up to open it."}
        </p>
      )}
      <TwoFactorSetup next={required === "staff" ? "/admin" : required ? `/${required}/institutions` : null} />
    </>
  );
}
