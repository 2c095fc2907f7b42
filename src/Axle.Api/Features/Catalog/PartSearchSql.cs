using System.Text;

namespace Axle.Api.Features.Catalog;

/// <summary>
/// Full-text search over parts (part number, name, brand, description), one index per provider. The raw SQL lives here as
/// named constants; the provider-specific Catalog migrations call them, and <see cref="SearchParts"/> queries them.
/// User input never reaches the SQL text: it is reduced to letter/digit runs, each quoted, and sent as a parameter.
/// </summary>
internal static class PartSearchSql
{
    // ---- SQLite: a contentless FTS5 table whose rowid is the part id, kept in sync by triggers on parts. ----
    // contentless_delete=1 (SQLite 3.43+) lets the triggers delete by rowid without replaying the old values.
    // Caution: when a later SQLite migration rebuilds the parts table (EF does so for most column changes), the triggers
    // go with the old table; such a migration must run SqliteDrop then SqliteCreate after the rebuild.

    public const string SqliteCreate = """
        CREATE VIRTUAL TABLE parts_fts USING fts5(
            part_number, name, brand, description,
            content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');

        CREATE TRIGGER parts_fts_insert AFTER INSERT ON parts BEGIN
            INSERT INTO parts_fts(rowid, part_number, name, brand, description)
            SELECT new.Id, new.PartNumber || ' ' || new.NormalizedPartNumber, new.Name,
                   COALESCE((SELECT b.Name FROM brands b WHERE b.Id = new.BrandId), ''), COALESCE(new.Description, '');
        END;

        CREATE TRIGGER parts_fts_update AFTER UPDATE OF PartNumber, NormalizedPartNumber, Name, BrandId, Description ON parts BEGIN
            DELETE FROM parts_fts WHERE rowid = old.Id;
            INSERT INTO parts_fts(rowid, part_number, name, brand, description)
            SELECT new.Id, new.PartNumber || ' ' || new.NormalizedPartNumber, new.Name,
                   COALESCE((SELECT b.Name FROM brands b WHERE b.Id = new.BrandId), ''), COALESCE(new.Description, '');
        END;

        CREATE TRIGGER parts_fts_delete AFTER DELETE ON parts BEGIN
            DELETE FROM parts_fts WHERE rowid = old.Id;
        END;

        -- A renamed brand re-indexes its parts (through parts_fts_update).
        CREATE TRIGGER brands_fts_update AFTER UPDATE OF Name ON brands BEGIN
            UPDATE parts SET BrandId = BrandId WHERE BrandId = new.Id;
        END;

        INSERT INTO parts_fts(rowid, part_number, name, brand, description)
        SELECT p.Id, p.PartNumber || ' ' || p.NormalizedPartNumber, p.Name, COALESCE(b.Name, ''), COALESCE(p.Description, '')
        FROM parts p LEFT JOIN brands b ON b.Id = p.BrandId;
        """;

    public const string SqliteDrop = """
        DROP TRIGGER IF EXISTS brands_fts_update;
        DROP TRIGGER IF EXISTS parts_fts_delete;
        DROP TRIGGER IF EXISTS parts_fts_update;
        DROP TRIGGER IF EXISTS parts_fts_insert;
        DROP TABLE IF EXISTS parts_fts;
        """;

    /// <summary>Ids of parts matching an FTS5 query built by <see cref="ToFts5Query"/> ({0}).</summary>
    public const string SqliteMatchingIds = """SELECT rowid AS "Value" FROM parts_fts WHERE parts_fts MATCH {0}""";

    // ---- PostgreSQL: a part_search side table with a weighted tsvector and a GIN index, kept in sync by a trigger. ----
    // A generated column cannot read the brand's name from another table, hence the side table.

    /// <summary>
    /// The trigger function as the Catalog migration created it (tsvector only); the trigram migration replaces it and
    /// restores exactly this on the way down.
    /// </summary>
    private const string PostgresDocumentRefresh = """
        part_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO part_search (part_id, document)
            SELECT NEW."Id",
                   setweight(to_tsvector('simple', NEW."PartNumber" || ' ' || NEW."NormalizedPartNumber"), 'A')
                || setweight(to_tsvector('simple', NEW."Name"), 'B')
                || setweight(to_tsvector('simple', COALESCE((SELECT b."Name" FROM brands b WHERE b."Id" = NEW."BrandId"), '')), 'C')
                || setweight(to_tsvector('simple', COALESCE(NEW."Description", '')), 'D')
            ON CONFLICT (part_id) DO UPDATE SET document = EXCLUDED.document;
            RETURN NULL;
        END $$;
        """;

    public const string PostgresCreate = $$"""
        CREATE TABLE part_search (
            part_id bigint PRIMARY KEY REFERENCES parts ("Id") ON DELETE CASCADE,
            document tsvector NOT NULL);

        CREATE INDEX ix_part_search_document ON part_search USING GIN (document);

        CREATE FUNCTION {{PostgresDocumentRefresh}}

        CREATE TRIGGER parts_search_sync AFTER INSERT OR UPDATE OF "PartNumber", "NormalizedPartNumber", "Name", "BrandId", "Description"
            ON parts FOR EACH ROW EXECUTE FUNCTION part_search_refresh();

        -- A renamed brand re-indexes its parts (through parts_search_sync).
        CREATE FUNCTION part_search_brand_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE parts SET "BrandId" = "BrandId" WHERE "BrandId" = NEW."Id";
            RETURN NULL;
        END $$;

        CREATE TRIGGER brands_search_sync AFTER UPDATE OF "Name" ON brands
            FOR EACH ROW EXECUTE FUNCTION part_search_brand_renamed();

        INSERT INTO part_search (part_id, document)
        SELECT p."Id",
               setweight(to_tsvector('simple', p."PartNumber" || ' ' || p."NormalizedPartNumber"), 'A')
            || setweight(to_tsvector('simple', p."Name"), 'B')
            || setweight(to_tsvector('simple', COALESCE(b."Name", '')), 'C')
            || setweight(to_tsvector('simple', COALESCE(p."Description", '')), 'D')
        FROM parts p LEFT JOIN brands b ON b."Id" = p."BrandId";
        """;

    public const string PostgresDrop = """
        DROP TRIGGER IF EXISTS brands_search_sync ON brands;
        DROP FUNCTION IF EXISTS part_search_brand_renamed();
        DROP TRIGGER IF EXISTS parts_search_sync ON parts;
        DROP FUNCTION IF EXISTS part_search_refresh();
        DROP TABLE IF EXISTS part_search;
        """;

    // ---- PostgreSQL: trigram similarity (pg_trgm) over part number, name and brand, for typos. Added by a later
    // migration than the tsvector: part_search gains a lower-cased "words" column, filled by the same trigger. ----

    public const string PostgresTrigramCreate = """
        CREATE EXTENSION IF NOT EXISTS pg_trgm;

        ALTER TABLE part_search ADD COLUMN words text NOT NULL DEFAULT '';

        CREATE OR REPLACE FUNCTION part_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            brand text := COALESCE((SELECT b."Name" FROM brands b WHERE b."Id" = NEW."BrandId"), '');
        BEGIN
            INSERT INTO part_search (part_id, document, words)
            SELECT NEW."Id",
                   setweight(to_tsvector('simple', NEW."PartNumber" || ' ' || NEW."NormalizedPartNumber"), 'A')
                || setweight(to_tsvector('simple', NEW."Name"), 'B')
                || setweight(to_tsvector('simple', brand), 'C')
                || setweight(to_tsvector('simple', COALESCE(NEW."Description", '')), 'D'),
                   lower(NEW."PartNumber" || ' ' || NEW."NormalizedPartNumber" || ' ' || NEW."Name" || ' ' || brand)
            ON CONFLICT (part_id) DO UPDATE SET document = EXCLUDED.document, words = EXCLUDED.words;
            RETURN NULL;
        END $$;

        UPDATE part_search ps
        SET words = lower(p."PartNumber" || ' ' || p."NormalizedPartNumber" || ' ' || p."Name" || ' ' || COALESCE(b."Name", ''))
        FROM parts p LEFT JOIN brands b ON b."Id" = p."BrandId"
        WHERE ps.part_id = p."Id";

        CREATE INDEX ix_part_search_words_trgm ON part_search USING GIN (words gin_trgm_ops);
        """;

    public const string PostgresTrigramDrop = $$"""
        DROP INDEX IF EXISTS ix_part_search_words_trgm;

        CREATE OR REPLACE FUNCTION {{PostgresDocumentRefresh}}

        ALTER TABLE part_search DROP COLUMN IF EXISTS words;
        """;

    /// <summary>Shortest term the typo fallback tries: two letters have too few trigrams to be similar to anything.</summary>
    public const int MinFuzzyTermLength = 3;

    /// <summary>
    /// Ids of parts where every term is similar to a whole word of the part number, name or brand (pg_trgm
    /// <c>&lt;&lt;%</c>, strict word similarity at least <c>pg_trgm.strict_word_similarity_threshold</c>, 0.5 by default:
    /// "ceramik" finds "ceramic" at 0.6; a word sharing only a long tail with another stays below); one placeholder per
    /// term, values as parameters.
    /// </summary>
    public static string PostgresSimilarIds(int terms) =>
        "SELECT part_id AS \"Value\" FROM part_search WHERE "
        + string.Join(" AND ", Enumerable.Range(0, terms).Select(i => $"{{{i}}} <<% words"));

    /// <summary>Ids of parts matching a tsquery built by <see cref="ToTsQuery"/> ({0}).</summary>
    public const string PostgresMatchingIds = """SELECT part_id AS "Value" FROM part_search WHERE document @@ to_tsquery('simple', {0})""";

    /// <summary>
    /// The letter/digit runs of a search text, lower-cased: the same split both tokenizers make, so both providers find
    /// the same parts. Empty when the text holds no letter or digit.
    /// </summary>
    public static IReadOnlyList<string> Terms(string text)
    {
        var terms = new List<string>();
        var current = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToLowerInvariant(c));
            }
            else if (current.Length > 0)
            {
                terms.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            terms.Add(current.ToString());
        }

        return terms.Distinct(StringComparer.Ordinal).Take(MaxTerms).ToList();
    }

    /// <summary>Bounds the work one query can ask of the index.</summary>
    public const int MaxTerms = 8;

    /// <summary><c>"brake"* AND "pad"*</c>: every term quoted (no FTS5 operators or column filters from users), prefix-matched.</summary>
    public static string ToFts5Query(IReadOnlyList<string> terms) =>
        string.Join(" AND ", terms.Select(t => "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"*"));

    /// <summary><c>'brake':* &amp; 'pad':*</c>: every term a quoted lexeme, prefix-matched.</summary>
    public static string ToTsQuery(IReadOnlyList<string> terms) =>
        string.Join(" & ", terms.Select(t => "'" + t.Replace("'", "''", StringComparison.Ordinal).Replace("\\", "\\\\", StringComparison.Ordinal) + "':*"));
}
