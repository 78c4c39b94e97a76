-- AlterTable
ALTER TABLE "Index" ADD COLUMN     "advisoryMinSeverity" TEXT NOT NULL DEFAULT 'high',
ADD COLUMN     "advisoryPolicy" TEXT NOT NULL DEFAULT 'off';

-- CreateTable
CREATE TABLE "Advisory" (
    "id" TEXT NOT NULL,
    "aliases" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "summary" TEXT NOT NULL DEFAULT '',
    "details" TEXT NOT NULL DEFAULT '',
    "severity" TEXT,
    "link" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "published" TIMESTAMP(3),
    "modified" TIMESTAMP(3) NOT NULL,
    "withdrawn" TIMESTAMP(3),
    "raw" JSONB NOT NULL,
    "importedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Advisory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdvisoryPackage" (
    "advisoryId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "ranges" JSONB NOT NULL,
    "versions" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "fixedIn" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "AdvisoryPackage_pkey" PRIMARY KEY ("advisoryId","name")
);

-- CreateTable
CREATE TABLE "AdvisoryImport" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorName" TEXT,
    "files" INTEGER NOT NULL,
    "added" INTEGER NOT NULL,
    "updated" INTEGER NOT NULL,
    "unchanged" INTEGER NOT NULL,
    "withdrawn" INTEGER NOT NULL,
    "skippedNonPyPI" INTEGER NOT NULL,

    CONSTRAINT "AdvisoryImport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AdvisoryPackage_name_idx" ON "AdvisoryPackage"("name");

-- AddForeignKey
ALTER TABLE "AdvisoryPackage" ADD CONSTRAINT "AdvisoryPackage_advisoryId_fkey" FOREIGN KEY ("advisoryId") REFERENCES "Advisory"("id") ON DELETE CASCADE ON UPDATE CASCADE;
