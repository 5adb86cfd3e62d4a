-- AlterTable
ALTER TABLE "FeedTransaction" ADD COLUMN     "entryDateBeforeMatch" DATE,
ADD COLUMN     "matchedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "RegisterEntry" ADD COLUMN     "clearedAt" TIMESTAMP(3);
