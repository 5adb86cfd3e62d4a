-- The sweep forgets rows past their retention along these indexes.
CREATE INDEX "SignInAttempt_createdAt_idx" ON "SignInAttempt"("createdAt");
CREATE INDEX "WebhookEvent_receivedAt_idx" ON "WebhookEvent"("receivedAt");
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");
CREATE INDEX "PasswordReset_expiresAt_idx" ON "PasswordReset"("expiresAt");
