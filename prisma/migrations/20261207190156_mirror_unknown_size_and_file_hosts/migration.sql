-- AlterTable
ALTER TABLE "File" ALTER COLUMN "size" DROP NOT NULL;

-- AlterTable
ALTER TABLE "Index" ADD COLUMN     "upstreamFileHosts" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- Mirrored files not fetched yet were stored with size 0 when the upstream page gave none:
-- that was "unknown", and now says so.
UPDATE "File" SET "size" = NULL WHERE "size" = 0 AND "storageKey" IS NULL AND "upstreamUrl" IS NOT NULL;

-- Mirrors of PyPI keep fetching from PyPI's file host, which its pages link to.
UPDATE "Index" SET "upstreamFileHosts" = ARRAY['files.pythonhosted.org'] WHERE "kind" = 'mirror' AND "upstreamUrl" ~* '^https?://pypi\.org(:443)?/';
