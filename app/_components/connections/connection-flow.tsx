"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "@/app/_lib/trpc";
import { AccountChooser, type AccountChoice } from "./account-chooser";
import { CredentialsForm, type Credentials } from "./credentials-form";
import { useFocusOnMount } from "./dialog";
import { ReturnedDuplicates } from "@/app/_components/feed/returned-duplicates";
import { transactionsArrived } from "./format";
import { HostedConnect, type HostedPurpose } from "./hosted-connect";
import { InstitutionPicker, type CatalogInstitution } from "./institution-picker";
import { MfaForm, type MfaQuestion } from "./mfa-form";
import { ProblemNotice } from "./problem-notice";
import type {
  Abilities,
  AttemptOutcome,
  ConnectionView,
  ConnectSessionView,
  LinkStyle,
  MfaOutcome,
  Problem,
} from "./types";

// The steps of Add institution and of fixing a connection, in one dialog: search the
// catalog, sign in (or Update Login), answer security questions one at a time, choose
// accounts and their registers, wait for the first retrieval, and see what arrived. With a
// hosted provider (or a hosted institution) the sign-in and the questions happen on the
// provider's secure page instead; every other step reads the same.

export type FlowStart =
  | { mode: "link" }
  | { mode: "update"; connection: ConnectionView }
  | { mode: "answer"; connection: ConnectionView; outcome: MfaOutcome }
  /** "Click here" on a question of a hosted institution: it is answered on the provider's page. */
  | { mode: "answer-hosted"; connection: ConnectionView }
  | { mode: "choose"; connection: ConnectionView };

type Institution = Pick<CatalogInstitution, "id" | "name" | "variant" | "loginUrl" | "sandboxSiteUrl" | "linkStyle">;

type Step =
  | { name: "search"; text: string }
  | { name: "credentials"; connectionId: string | null }
  | { name: "hosted"; purpose: HostedPurpose; connectionId: string | null; seq: number }
  | { name: "cancelled"; connectionId: string | null }
  | { name: "mfa"; connectionId: string; question: MfaQuestion; wrongAnswer: boolean; expiresAt: Date; seq: number }
  | { name: "problem"; connectionId: string | null; problem: Problem; nextRetryAt: Date | null }
  | { name: "waiting"; connectionId: string; attemptId: string | null }
  | { name: "accounts"; connectionId: string }
  | { name: "done"; connectionId: string; transactionCount: number | null };

/** Fixed at the bank's site, after which a retrieval is all it takes (Update Login works too). */
const retrieveAfterTheBank = (p: Problem) => p.remedy === "at-bank-then-refresh";
/** An owner or admin fixes it with Update Login. */
const fixedByUpdateLogin = (p: Problem) => p.remedy === "update-login" || retrieveAfterTheBank(p);
const POLL_MS = 1500;

const institutionOf = (c: ConnectionView): Institution => c.institution;

/** Update Login: the credential form, or the provider's Connect Fix for a hosted institution. */
const updateStep = (connection: Pick<ConnectionView, "id" | "institution">): Step =>
  connection.institution.linkStyle === "HOSTED"
    ? { name: "hosted", purpose: "fix", connectionId: connection.id, seq: 0 }
    : { name: "credentials", connectionId: connection.id };

function initialStep(start: FlowStart, providerLinkStyle: LinkStyle): Step {
  switch (start.mode) {
    case "link":
      return providerLinkStyle === "HOSTED"
        ? { name: "hosted", purpose: "link", connectionId: null, seq: 0 }
        : { name: "search", text: "" };
    case "update":
      return updateStep(start.connection);
    case "answer-hosted":
      return { name: "hosted", purpose: "answer", connectionId: start.connection.id, seq: 0 };
    case "answer":
      return {
        name: "mfa",
        connectionId: start.connection.id,
        question: start.outcome.question,
        wrongAnswer: start.outcome.wrongAnswer,
        expiresAt: start.outcome.expiresAt,
        seq: 0,
      };
    case "choose":
      return { name: "accounts", connectionId: start.connection.id };
  }
}

export interface OpenFlow {
  start: FlowStart;
  /** A new key starts a fresh flow even when the start looks the same. */
  key: number;
}

function messageOf(error: unknown): string {
  return error instanceof Error && error.message ? error.message : "Something went wrong. Try again.";
}

/** The flow inside its dialog (connection-flow-dialog.tsx), loaded when the dialog first opens. */
export function FlowBody({
  orgSlug,
  start,
  abilities,
  providerLinkStyle,
  headingId,
  onClose,
}: {
  orgSlug: string;
  start: FlowStart;
  abilities: Abilities;
  providerLinkStyle: LinkStyle;
  headingId: string;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [step, setStep] = useState<Step>(() => initialStep(start, providerLinkStyle));
  const [institution, setInstitution] = useState<Institution | null>(
    start.mode === "link" ? null : institutionOf(start.connection),
  );
  const [searchText, setSearchText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);

  const refreshPage = () => queryClient.invalidateQueries({ queryKey: trpc.connections.pathKey() });
  // Typed bank credentials and answers are a mutation's variables: nothing may keep them once the
  // call has settled (gcTime 0 drops the mutation from the cache as soon as it is reset).
  const secretBearing = { onSettled: refreshPage, gcTime: 0 };
  const link = useMutation(trpc.connections.link.mutationOptions(secretBearing));
  const updateLogin = useMutation(trpc.connections.updateLogin.mutationOptions(secretBearing));
  const answerMfa = useMutation(trpc.connections.answerMfa.mutationOptions(secretBearing));
  const chooseAccounts = useMutation(trpc.connections.chooseAccounts.mutationOptions({ onSettled: refreshPage }));
  const retrieve = useMutation(trpc.connections.retrieve.mutationOptions({ onSettled: refreshPage }));
  const pending =
    link.isPending || updateLogin.isPending || answerMfa.isPending || chooseAccounts.isPending || retrieve.isPending;

  async function attempt(run: () => Promise<AttemptOutcome>) {
    setError(null);
    try {
      await follow(await run());
    } catch (err) {
      setError(messageOf(err));
    } finally {
      link.reset();
      updateLogin.reset();
      answerMfa.reset();
    }
  }

  async function follow(outcome: AttemptOutcome) {
    switch (outcome.kind) {
      case "mfa":
        seq.current += 1;
        setStep({
          name: "mfa",
          connectionId: outcome.connectionId,
          question: outcome.question,
          wrongAnswer: outcome.wrongAnswer,
          expiresAt: outcome.expiresAt,
          seq: seq.current,
        });
        return;
      case "failed":
        setStep({
          name: "problem",
          connectionId: outcome.connectionId,
          problem: outcome.problem,
          nextRetryAt: outcome.nextRetryAt,
        });
        return;
      case "aggregating":
        setStep({ name: "waiting", connectionId: outcome.connectionId, attemptId: outcome.attemptId });
        return;
      case "connected": {
        if (outcome.transactionCount !== null) {
          setStep({ name: "done", connectionId: outcome.connectionId, transactionCount: outcome.transactionCount });
          return;
        }
        const view = await queryClient.fetchQuery({
          ...trpc.connections.get.queryOptions({ orgSlug, connectionId: outcome.connectionId }),
          staleTime: 0,
        });
        settled(view, null);
      }
    }
  }

  const fetchView = (connectionId: string) =>
    queryClient.fetchQuery({ ...trpc.connections.get.queryOptions({ orgSlug, connectionId }), staleTime: 0 });

  /** Sign in again: the credential form, or a new visit to the provider's page. */
  function signInAgain(connectionId: string | null) {
    if (connectionId) {
      setStep(
        institution?.linkStyle === "HOSTED"
          ? { name: "hosted", purpose: "fix", connectionId, seq: seq.current++ }
          : { name: "credentials", connectionId },
      );
    } else if (institution?.linkStyle === "HOSTED" || providerLinkStyle === "HOSTED") {
      setStep({ name: "hosted", purpose: "link", connectionId: null, seq: seq.current++ });
    } else {
      setStep({ name: "credentials", connectionId: null });
    }
  }

  /** The provider's page is done with: what it added or repaired, or why not. */
  async function hostedSettled(session: ConnectSessionView, purpose: HostedPurpose, connectionId: string | null) {
    refreshPage();
    const target = session.connectionIds[0] ?? connectionId;
    if (session.status === "CANCELLED") {
      setStep({ name: "cancelled", connectionId: purpose === "link" ? null : connectionId });
      return;
    }
    if (session.status === "FAILED" || !target) {
      const problem = session.problem;
      if (problem)
        setStep({
          name: "problem",
          connectionId: purpose === "link" ? null : connectionId,
          problem,
          nextRetryAt: null,
        });
      else setStep({ name: "cancelled", connectionId: purpose === "link" ? null : connectionId });
      return;
    }
    try {
      const view = await fetchView(target);
      setInstitution(institutionOf(view));
      if (view.status === "AGGREGATING")
        setStep({ name: "waiting", connectionId: view.id, attemptId: view.lastResult?.id ?? null });
      else finishedWaiting(view, view.lastResult?.id ?? null);
    } catch (err) {
      setError(messageOf(err));
    }
  }

  /** A working connection: its accounts to choose if none is linked yet, else what arrived. */
  function settled(view: ConnectionView, transactionCount: number | null) {
    if (abilities.manage && view.accounts.length > 0 && !view.accounts.some((a) => a.linked)) {
      setStep({ name: "accounts", connectionId: view.id });
    } else {
      setStep({ name: "done", connectionId: view.id, transactionCount });
    }
  }

  function finishedWaiting(view: ConnectionView, attemptId: string | null) {
    const result = view.lastResult && attemptId && view.lastResult.id === attemptId ? view.lastResult : null;
    if (view.status === "ACTIVE") {
      settled(view, result?.transactionCount ?? null);
    } else if (view.problem) {
      setStep({ name: "problem", connectionId: view.id, problem: view.problem, nextRetryAt: view.nextRetryAt });
    } else {
      setStep({ name: "done", connectionId: view.id, transactionCount: null });
    }
  }

  switch (step.name) {
    case "search":
      return (
        <InstitutionPicker
          orgSlug={orgSlug}
          headingId={headingId}
          initialText={step.text}
          onPick={(picked: CatalogInstitution, text) => {
            setInstitution(picked);
            setSearchText(text);
            setError(null);
            setStep(
              picked.linkStyle === "HOSTED"
                ? { name: "hosted", purpose: "link", connectionId: null, seq: seq.current++ }
                : { name: "credentials", connectionId: null },
            );
          }}
        />
      );

    case "credentials": {
      const connectionId = step.connectionId;
      return (
        <CredentialsForm
          institution={institution!}
          mode={connectionId ? "update" : "link"}
          headingId={headingId}
          pending={pending}
          error={error}
          onBack={connectionId ? undefined : () => setStep({ name: "search", text: searchText })}
          onSubmit={(credentials: Credentials) =>
            attempt(() =>
              connectionId
                ? updateLogin.mutateAsync({ orgSlug, connectionId, credentials })
                : link.mutateAsync({ orgSlug, institutionId: institution!.id, credentials }),
            )
          }
        />
      );
    }

    case "hosted":
      return (
        <HostedConnect
          key={step.seq}
          orgSlug={orgSlug}
          purpose={step.purpose}
          institutionId={step.purpose === "link" ? (institution?.id ?? null) : null}
          connectionId={step.connectionId}
          institutionName={institution?.name ?? null}
          headingId={headingId}
          onSettled={(session) => void hostedSettled(session, step.purpose, step.connectionId)}
        />
      );

    case "cancelled":
      return (
        <CancelledStep
          headingId={headingId}
          institutionName={institution?.name ?? null}
          onTryAgain={() => signInAgain(step.connectionId)}
          onClose={onClose}
        />
      );

    case "mfa":
      return (
        <MfaForm
          key={step.seq}
          question={step.question}
          wrongAnswer={step.wrongAnswer}
          expiresAt={step.expiresAt}
          headingId={headingId}
          pending={pending}
          error={error}
          onAnswer={(answer) =>
            attempt(() => answerMfa.mutateAsync({ orgSlug, connectionId: step.connectionId, answer }))
          }
        />
      );

    case "problem":
      return (
        <ProblemStep
          step={step}
          institution={institution!}
          abilities={abilities}
          headingId={headingId}
          manageHref={`/${orgSlug}/institutions`}
          onTryAgain={() => signInAgain(null)}
          onChooseAnother={() => setStep({ name: "search", text: searchText })}
          onUpdateLogin={(connectionId) => signInAgain(connectionId)}
          onAnswerOnProviderPage={(connectionId) =>
            setStep({ name: "hosted", purpose: "answer", connectionId, seq: seq.current++ })
          }
          onRetrieve={(connectionId) => attempt(() => retrieve.mutateAsync({ orgSlug, connectionId }))}
          pending={pending}
          error={error}
        />
      );

    case "waiting":
      return (
        <WaitingStep
          orgSlug={orgSlug}
          connectionId={step.connectionId}
          headingId={headingId}
          onFinished={(view) => finishedWaiting(view, step.attemptId)}
        />
      );

    case "accounts":
      return (
        <AccountsStep
          orgSlug={orgSlug}
          connectionId={step.connectionId}
          headingId={headingId}
          pending={pending}
          error={error}
          onSubmit={(choices) =>
            attempt(() => chooseAccounts.mutateAsync({ orgSlug, connectionId: step.connectionId, choices }))
          }
        />
      );

    case "done":
      return (
        <DoneStep
          orgSlug={orgSlug}
          connectionId={step.connectionId}
          institution={institution!}
          mode={start.mode}
          transactionCount={step.transactionCount}
          headingId={headingId}
          onClose={onClose}
        />
      );
  }
}

function ProblemStep({
  step,
  institution,
  abilities,
  headingId,
  manageHref,
  onTryAgain,
  onChooseAnother,
  onUpdateLogin,
  onAnswerOnProviderPage,
  onRetrieve,
  pending,
  error,
}: {
  step: Extract<Step, { name: "problem" }>;
  institution: Institution;
  abilities: Abilities;
  headingId: string;
  manageHref: string;
  onTryAgain: () => void;
  onChooseAnother: () => void;
  onUpdateLogin: (connectionId: string) => void;
  /** A hosted institution's security question, answered on the provider's page. */
  onAnswerOnProviderPage: (connectionId: string) => void;
  onRetrieve: (connectionId: string) => void;
  pending: boolean;
  error: string | null;
}) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const { problem, connectionId } = step;
  const updateHere = connectionId !== null && fixedByUpdateLogin(problem);
  return (
    <div className="space-y-4">
      <h2 id={headingId} ref={headingRef} tabIndex={-1} className="text-xl font-semibold">
        {connectionId === null ? `Could not connect to ${institution.name}` : `${institution.name} needs attention`}
      </h2>
      <ProblemNotice
        problem={problem}
        institution={institution}
        nextRetryAt={step.nextRetryAt}
        manageHref={manageHref}
        actions={
          connectionId === null ? (
            <>
              <button type="button" className="btn-primary" onClick={onTryAgain}>
                Try again
              </button>
              <button type="button" className="btn-secondary" onClick={onChooseAnother}>
                Choose another institution
              </button>
            </>
          ) : (
            <>
              {problem.remedy === "answer-question" && institution.linkStyle === "HOSTED" && abilities.retrieve && (
                <button type="button" className="btn-primary" onClick={() => onAnswerOnProviderPage(connectionId)}>
                  Answer the security question
                </button>
              )}
              {retrieveAfterTheBank(problem) && abilities.retrieve && (
                <button
                  type="button"
                  className="btn-primary"
                  disabled={pending}
                  onClick={() => onRetrieve(connectionId)}
                >
                  Retrieve Transactions
                </button>
              )}
              {updateHere && abilities.manage && (
                <button
                  type="button"
                  className={retrieveAfterTheBank(problem) ? "btn-secondary" : "btn-primary"}
                  disabled={pending}
                  onClick={() => onUpdateLogin(connectionId)}
                >
                  Update Login
                </button>
              )}
            </>
          )
        }
      />
      {error && (
        <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
          {error}
        </p>
      )}
      {pending && (
        <p role="status" className="text-sm text-ink-muted">
          Asking the bank…
        </p>
      )}
      {updateHere && !abilities.manage && (
        <p className="text-sm text-ink-muted">
          Update Login is for the owners and admins of your organization: ask one of them.
        </p>
      )}
    </div>
  );
}

function CancelledStep({
  headingId,
  institutionName,
  onTryAgain,
  onClose,
}: {
  headingId: string;
  institutionName: string | null;
  onTryAgain: () => void;
  onClose: () => void;
}) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  return (
    <div className="space-y-4">
      <h2 id={headingId} ref={headingRef} tabIndex={-1} className="text-xl font-semibold">
        {institutionName ? `${institutionName} was not connected` : "Nothing was connected"}
      </h2>
      <p>You left the secure page before it finished. Nothing changed.</p>
      <div className="flex flex-wrap gap-2">
        <button type="button" className="btn-primary" onClick={onTryAgain}>
          Try again
        </button>
        <button type="button" className="btn-secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}

function WaitingStep({
  orgSlug,
  connectionId,
  headingId,
  onFinished,
}: {
  orgSlug: string;
  connectionId: string;
  headingId: string;
  onFinished: (view: ConnectionView) => void;
}) {
  const trpc = useTRPC();
  const connection = useQuery({
    ...trpc.connections.get.queryOptions({ orgSlug, connectionId }),
    staleTime: 0,
    refetchInterval: (query) => (query.state.data?.status === "AGGREGATING" ? POLL_MS : false),
  });
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const view = connection.data;
  const finished = view && connection.isFetchedAfterMount && view.status !== "AGGREGATING" ? view : null;
  const report = useRef(onFinished);
  useEffect(() => {
    report.current = onFinished;
  });
  useEffect(() => {
    if (finished) report.current(finished);
  }, [finished]);

  return (
    <div className="space-y-4">
      <h2 id={headingId} ref={headingRef} tabIndex={-1} className="text-xl font-semibold">
        Retrieving transactions
      </h2>
      <progress aria-label="Retrieving transactions" className="h-2 w-full" />
      <p role="status" className="text-sm text-ink-muted">
        {view?.institution.name ?? "The bank"} is sending your accounts and transactions. This can take a minute. You
        can close this window: the status on Manage Institutions updates by itself.
      </p>
    </div>
  );
}

function AccountsStep({
  orgSlug,
  connectionId,
  headingId,
  pending,
  error,
  onSubmit,
}: {
  orgSlug: string;
  connectionId: string;
  headingId: string;
  pending: boolean;
  error: string | null;
  onSubmit: (choices: AccountChoice[]) => void;
}) {
  const trpc = useTRPC();
  const connection = useQuery(trpc.connections.get.queryOptions({ orgSlug, connectionId }));
  if (!connection.data) {
    return (
      <div className="space-y-2">
        <h2 id={headingId} className="text-xl font-semibold">
          Choose accounts
        </h2>
        <p role="status" className="text-sm text-ink-muted">
          {connection.isError ? connection.error.message : "Loading the accounts…"}
        </p>
      </div>
    );
  }
  return (
    <AccountChooser
      orgSlug={orgSlug}
      institutionName={connection.data.institution.name}
      accounts={connection.data.accounts}
      headingId={headingId}
      pending={pending}
      error={error}
      onSubmit={onSubmit}
    />
  );
}

function DoneStep({
  orgSlug,
  connectionId,
  institution,
  mode,
  transactionCount,
  headingId,
  onClose,
}: {
  orgSlug: string;
  connectionId: string;
  institution: Institution;
  mode: FlowStart["mode"];
  transactionCount: number | null;
  headingId: string;
  onClose: () => void;
}) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const heading = mode === "update" ? `Login updated for ${institution.name}` : `${institution.name} is connected`;
  return (
    <div className="space-y-4">
      <h2 id={headingId} ref={headingRef} tabIndex={-1} className="text-xl font-semibold">
        {heading}
      </h2>
      {transactionCount === null ? (
        <p role="status">
          The connection works. Choose Retrieve Transactions on Manage Institutions whenever you want new transactions.
        </p>
      ) : (
        <p role="status" className="text-lg">
          {transactionsArrived(transactionCount)}{" "}
          <Link href={`/${orgSlug}/feed`} className="font-medium text-brand-700 underline">
            Go to the Bank feed
          </Link>
        </p>
      )}
      <ReturnedDuplicates orgSlug={orgSlug} connectionId={connectionId} />
      <button type="button" className="btn-primary" onClick={onClose}>
        Done
      </button>
    </div>
  );
}
