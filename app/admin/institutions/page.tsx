import { InstitutionHealth } from "./institution-health";

export const metadata = { title: "Institution health" };

export default function InstitutionHealthPage() {
  return (
    <section aria-labelledby="page-title" className="space-y-4">
      <h1 id="page-title" className="text-2xl font-semibold">
        Institution health
      </h1>
      <p className="text-ink-muted">
        Attempts and failures by code at every institution, to tell a bank failing for everyone from one customer&apos;s
        problem.
      </p>
      <InstitutionHealth />
    </section>
  );
}
