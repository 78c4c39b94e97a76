-- AlterTable
ALTER TABLE "File" ADD COLUMN     "upstreamUrl" TEXT,
ALTER COLUMN "md5" DROP NOT NULL,
ALTER COLUMN "blake2b256" DROP NOT NULL,
ALTER COLUMN "storageKey" DROP NOT NULL;

-- AlterTable
ALTER TABLE "Index" ADD COLUMN     "pageTtlSeconds" INTEGER NOT NULL DEFAULT 600,
ADD COLUMN     "passThroughNames" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "quarantineDays" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "quarantineExceptions" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "syncIntervalSeconds" INTEGER,
ADD COLUMN     "syncSelection" JSONB,
ADD COLUMN     "uploadTargetId" INTEGER,
ADD COLUMN     "upstreamPassword" TEXT,
ADD COLUMN     "upstreamUrl" TEXT,
ADD COLUMN     "upstreamUsername" TEXT;

-- CreateTable
CREATE TABLE "IndexMember" (
    "groupId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "IndexMember_pkey" PRIMARY KEY ("groupId","memberId")
);

-- CreateTable
CREATE TABLE "MirrorPage" (
    "indexId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "upstreamStatus" INTEGER NOT NULL,
    "etag" TEXT,
    "upstreamSerial" INTEGER,
    "fetchedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MirrorPage_pkey" PRIMARY KEY ("indexId","name")
);

-- CreateTable
CREATE TABLE "SyncRun" (
    "id" SERIAL NOT NULL,
    "indexId" INTEGER NOT NULL,
    "trigger" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'running',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "projects" INTEGER NOT NULL DEFAULT 0,
    "filesQueued" INTEGER NOT NULL DEFAULT 0,
    "filesDone" INTEGER NOT NULL DEFAULT 0,
    "bytesDone" BIGINT NOT NULL DEFAULT 0,
    "failures" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "SyncRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "IndexMember_groupId_position_key" ON "IndexMember"("groupId", "position");

-- AddForeignKey
ALTER TABLE "IndexMember" ADD CONSTRAINT "IndexMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Index"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IndexMember" ADD CONSTRAINT "IndexMember_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Index"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MirrorPage" ADD CONSTRAINT "MirrorPage_indexId_fkey" FOREIGN KEY ("indexId") REFERENCES "Index"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncRun" ADD CONSTRAINT "SyncRun_indexId_fkey" FOREIGN KEY ("indexId") REFERENCES "Index"("id") ON DELETE CASCADE ON UPDATE CASCADE;
