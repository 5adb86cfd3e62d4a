import { PublicCard } from "../../_components/people/public-card";
import { ForgotForm } from "./forgot-form";

export const metadata = { title: "Forgot your password" };

export default function ForgotPage() {
  return (
    <PublicCard
      title="Forgot your password?"
      intro={
        "Enter the email you sign in with. If it has an account, we send a link to choose a new password; " +
        "it works once, for 30 minutes."
      }
    >
      <ForgotForm />
    </PublicCard>
  );
}
