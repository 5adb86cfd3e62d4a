"use client";

import { useId, useState, type FormEvent } from "react";
import { useFocusOnMount } from "./dialog";
import type { MfaQuestion } from "@/server/connections/schemas";
import { formatAbsolute } from "./format";

export type { MfaQuestion };

/** One security question: a text answer or a choice, with where it stands among the bank's questions. */
export function MfaForm({
  question,
  wrongAnswer,
  expiresAt,
  headingId,
  pending,
  error,
  onAnswer,
}: {
  question: MfaQuestion;
  wrongAnswer: boolean;
  expiresAt: Date;
  headingId: string;
  pending: boolean;
  error: string | null;
  onAnswer: (answer: string) => void;
}) {
  const [choice, setChoice] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const focusRef = useFocusOnMount<HTMLInputElement>();
  const answerId = useId();
  const legendId = useId();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const answer = question.kind === "choice" ? (choice ?? "") : String(form.get("answer") ?? "").trim();
    if (!answer) {
      setMissing(true);
      return;
    }
    setMissing(false);
    onAnswer(answer);
  }

  return (
    <form onSubmit={submit} className="space-y-4" aria-busy={pending}>
      <div className="space-y-1">
        <h2 id={headingId} className="text-xl font-semibold">
          Security question
        </h2>
        {question.progress && (
          <p className="text-sm font-medium text-ink-muted">
            Question {question.progress.current} of {question.progress.total}
          </p>
        )}
        <p className="text-sm text-ink-muted">
          {"Your bank asks this before it lets Bankline in. Answer it as you set it up at the bank; " +
            `the bank waits until ${formatAbsolute(expiresAt)}.`}
        </p>
      </div>
      {wrongAnswer && (
        <div role="alert" className="rounded-md border border-danger/30 bg-danger-soft px-3 py-2 text-sm">
          <p className="font-semibold">Error 187: That answer was not accepted</p>
          <p>Answer the security question again, exactly as you set it up at the bank.</p>
        </div>
      )}
      {question.kind === "text" ? (
        <div>
          <label htmlFor={answerId} className="label">
            {question.text}
          </label>
          <input
            ref={focusRef}
            id={answerId}
            name="answer"
            className="field"
            autoComplete="off"
            required
            aria-invalid={missing || undefined}
          />
        </div>
      ) : (
        <fieldset aria-labelledby={legendId} className="space-y-2">
          <legend id={legendId} className="label">
            {question.text}
          </legend>
          {question.choices.map((c, i) => (
            <label key={c} className="flex items-center gap-2 text-sm">
              <input
                ref={i === 0 ? focusRef : undefined}
                type="radio"
                name="answer"
                value={c}
                checked={choice === c}
                onChange={() => setChoice(c)}
              />
              {c}
            </label>
          ))}
        </fieldset>
      )}
      {missing && (
        <p role="alert" className="text-sm text-danger">
          {question.kind === "choice" ? "Choose an answer." : "Enter an answer."}
        </p>
      )}
      {error && (
        <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
          {error}
        </p>
      )}
      {pending && (
        <p role="status" className="text-sm text-ink-muted">
          Sending your answer to the bank…
        </p>
      )}
      <button type="submit" className="btn-primary" disabled={pending}>
        Answer
      </button>
    </form>
  );
}
