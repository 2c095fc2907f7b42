using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Axle.Tests.Fuzzing;

/// <summary>A documented operation as the fuzzer sees it: where its parameters go and what its body looks like.</summary>
internal sealed record FuzzOperation(
    string Method, string Template, IReadOnlyList<FuzzParameter> Parameters, JsonElement? BodySchema, string? BodyType, bool Secured)
{
    public bool TakesIdempotencyKey => Parameters.Any(p => p.In == "header" && p.Name == "Idempotency-Key");

    public bool TakesBody => BodyType is not null || Method is "POST" or "PUT" or "PATCH";

    public override string ToString() => $"{Method} {Template}";
}

internal sealed record FuzzParameter(string Name, string In, JsonElement Schema, bool Required);

/// <summary>
/// One generated request, complete enough to replay by hand. Bodies are text; two private-use characters stand for bytes no
/// string can hold (an overlong UTF-8 encoding of '/', and a stray 0xFF), and are swapped for them on the wire.
/// </summary>
internal sealed record FuzzRequest(
    int Index, string Variant, string Method, string Url, IReadOnlyList<(string Name, string Value)> Headers, string? Body, string? ContentType)
{
    public const char Overlong = '\uE000';
    public const char InvalidByte = '\uE001';
    public const string ETagPlaceholder = "<etag>";

    public byte[] BodyBytes()
    {
        var result = new List<byte>();
        var pending = new StringBuilder();
        foreach (var c in Body ?? "")
        {
            if (c is Overlong or InvalidByte)
            {
                result.AddRange(Encoding.UTF8.GetBytes(pending.ToString()));
                pending.Clear();
                result.AddRange(c == Overlong ? [0xC0, 0xAF] : [0xFF]);
            }
            else
            {
                pending.Append(c);
            }
        }

        result.AddRange(Encoding.UTF8.GetBytes(pending.ToString()));
        return [.. result];
    }

    public string Describe(int maxBody = 600)
    {
        var text = new StringBuilder($"#{Index} [{Variant}] {Method} {Trim(Url, 400)}");
        foreach (var (name, value) in Headers)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n    {name}: {Trim(value, 200)}");
        }

        if (ContentType is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n    Content-Type: {ContentType}");
        }

        if (Body is not null)
        {
            var shown = Body.Replace(Overlong.ToString(), "\\xC0\\xAF", StringComparison.Ordinal)
                .Replace(InvalidByte.ToString(), "\\xFF", StringComparison.Ordinal);
            text.Append(CultureInfo.InvariantCulture, $"\n    body ({Body.Length} chars): {Trim(shown, maxBody)}");
        }

        return text.ToString();
    }

    private static string Trim(string s, int max) => s.Length <= max ? s : s[..max] + $"…(+{s.Length - max})";
}

/// <summary>
/// Derives requests from the served OpenAPI document. Pure: the same document, ids and <see cref="Random"/> give the same
/// request. Each request is either valid-looking (so handlers get past validation and lookups) or carries one kind of
/// hostility: hostile field values, wrong JSON types, missing required or extra members, nulls, malformed JSON, a wrong
/// content type, a mutated path parameter, bad query values or bad headers.
/// </summary>
internal sealed class OpenApiFuzzer
{
    private static readonly string[] Variants =
    [
        "hostile-values", "wrong-types", "missing-required", "extra-members", "nulls", "malformed-json", "wrong-content-type",
        "hostile-path", "hostile-query", "hostile-headers",
    ];

    private readonly JsonElement _schemas;
    private readonly IReadOnlyDictionary<string, string[]> _ids;

    /// <param name="document">The OpenAPI document.</param>
    /// <param name="ids">Real ids by kind (<c>part</c>, <c>sku</c>, <c>warehouse</c>, <c>user</c>, <c>cartItem</c>, <c>order</c>,
    /// <c>orderItem</c>, <c>supplier</c>, <c>promotion</c>, <c>promotionCode</c>, …) for a share of path parameters and body members.</param>
    public OpenApiFuzzer(JsonElement document, IReadOnlyDictionary<string, string[]> ids)
    {
        _schemas = document.GetProperty("components").GetProperty("schemas");
        _ids = ids;
        Operations = [.. Parse(document)];
    }

    public IReadOnlyList<FuzzOperation> Operations { get; }

    public FuzzRequest Generate(FuzzOperation op, Random rng, int index)
    {
        var variant = rng.NextDouble() < 0.35 ? "valid" : Variants[rng.Next(Variants.Length)];
        var headers = new List<(string, string)>();
        var url = Path(op, rng, variant == "hostile-path") + Query(op, rng, variant == "hostile-query");
        Headers(op, rng, variant == "hostile-headers", headers);

        string? body = null;
        string? contentType = null;
        if (op.TakesBody)
        {
            (body, contentType) = Body(op, rng, variant);
        }

        return new FuzzRequest(index, variant, op.Method, url, headers, body, contentType);
    }

    // ---- operations ----

    private static IEnumerable<FuzzOperation> Parse(JsonElement document)
    {
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                var op = operation.Value;
                var parameters = new List<FuzzParameter>();
                if (op.TryGetProperty("parameters", out var list))
                {
                    foreach (var p in list.EnumerateArray())
                    {
                        parameters.Add(new FuzzParameter(
                            p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!,
                            p.TryGetProperty("schema", out var s) ? s.Clone() : default,
                            p.TryGetProperty("required", out var r) && r.GetBoolean()));
                    }
                }

                JsonElement? bodySchema = null;
                string? bodyType = null;
                if (op.TryGetProperty("requestBody", out var requestBody) && requestBody.TryGetProperty("content", out var content))
                {
                    var media = content.EnumerateObject().OrderBy(m => m.Name == "application/json" ? 0 : 1).First();
                    bodyType = media.Name;
                    bodySchema = media.Value.TryGetProperty("schema", out var s) ? s.Clone() : null;
                }

                var secured = op.TryGetProperty("security", out var security) && security.GetArrayLength() > 0;
                yield return new FuzzOperation(operation.Name.ToUpperInvariant(), path.Name, parameters, bodySchema, bodyType, secured);
            }
        }
    }

    // ---- path and query ----

    private string Path(FuzzOperation op, Random rng, bool hostile)
    {
        var segments = op.Template.Split('/');
        var parameters = segments.Select((s, i) => (s, i)).Where(x => x.s.StartsWith('{')).Select(x => x.i).ToList();
        var mutate = hostile && parameters.Count > 0 ? parameters[rng.Next(parameters.Count)] : -1;
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (!segment.StartsWith('{'))
            {
                continue;
            }

            var name = segment.Trim('{', '}');
            var parameter = op.Parameters.FirstOrDefault(p => p.In == "path" && p.Name == name);
            segments[i] = i == mutate
                ? Pick(rng, HostilePathValues)
                : Uri.EscapeDataString(PathValue(name, segments[i - 1], parameter?.Schema, rng));
        }

        return string.Join('/', segments);
    }

    private string PathValue(string name, string before, JsonElement? schema, Random rng)
    {
        var kind = (name, before) switch
        {
            ("sku", _) => "sku",
            ("warehouseId", _) => "warehouse",
            ("userId", _) => "user",
            ("itemId", _) => "cartItem",
            ("deliveryId", _) => "delivery",
            ("clientId", _) => "client",
            ("vin", _) => "vin",
            (_, "parts") => "part",
            (_, "orders") => "order",
            (_, "warehouses") => "warehouse",
            (_, "suppliers") => "supplier",
            (_, "promotions") => "promotion",
            (_, "returns") => "return",
            (_, "reservations") => "reservation",
            (_, "purchase-orders") => "purchaseOrder",
            (_, "webhook-subscriptions") => "subscription",
            _ => before,
        };
        if (rng.NextDouble() < 0.8 && _ids.TryGetValue(kind, out var known) && known.Length > 0)
        {
            return Pick(rng, known);
        }

        var format = schema is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty("format", out var f) ? f.GetString() : null;
        return format == "uuid" ? Guid.NewGuid().ToString() : TypesOf(schema).Contains("integer") ? rng.Next(1, 100_000).ToString(CultureInfo.InvariantCulture) : "FZ-" + rng.Next(1000);
    }

    // No "%00": Kestrel refuses a NUL in the path with 400 before the app runs, while the test server throws instead.
    private static readonly string[] HostilePathValues =
    [
        "0", "-1", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "99999999999999999999999999", "1.5", "1e3",
        "abc", "..", "%2e%2e", "%2F", "a%2Fb", "..%2F..%2Fetc%2Fpasswd", "%20", "null", "undefined", "true", "%7Bid%7D",
        "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "%7B00000000-0000-0000-0000-000000000000%7D",
        "0000000000000000000000000000000g", "%F0%9F%94%A7", "%E2%80%AE", "%C0%AF", "%FF", "%27%20OR%201%3D1--", "%25", "%2A", "_",
        new string('9', 400), new string('a', 3000), "A%2B%2F%3D", "1;2", "1,2",
    ];

    private string Query(FuzzOperation op, Random rng, bool hostile)
    {
        var pairs = new List<string>();
        var query = op.Parameters.Where(p => p.In == "query").ToList();
        var mutate = hostile && query.Count > 0 ? query[rng.Next(query.Count)].Name : null;
        foreach (var p in query)
        {
            if (p.Name == mutate)
            {
                pairs.Add(p.Name + "=" + Uri.EscapeDataString(HostileQueryValue(p.Name, rng)));
                if (rng.NextDouble() < 0.2)
                {
                    pairs.Add(p.Name + "=" + Uri.EscapeDataString(QueryValue(p, rng))); // the same parameter twice
                }
            }
            else if (p.Required || rng.NextDouble() < 0.35)
            {
                pairs.Add(p.Name + "=" + Uri.EscapeDataString(QueryValue(p, rng)));
            }
        }

        if (hostile && (query.Count == 0 || rng.NextDouble() < 0.2))
        {
            pairs.Add(Pick(rng, ["unknown=1", "%00=%00", "=", "&&", "a[b]=c", "limit", "cursor=", "x=" + new string('x', 5000)]));
        }

        return pairs.Count == 0 ? "" : "?" + string.Join('&', pairs);
    }

    private string QueryValue(FuzzParameter p, Random rng)
    {
        var types = TypesOf(p.Schema);
        return p.Name switch
        {
            "limit" => Pick(rng, ["1", "2", "10", "25", "100"]),
            "cursor" => Pick(rng, ["", "eyJpZCI6MX0", "CfDJ8" + new string('A', 40)]),
            "sort" => Pick(rng, ["relevance", "price", "-price", "name", "newest"]),
            "from" => DateTime.UtcNow.AddDays(-rng.Next(1, 60)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            "to" or "updatedSince" => DateTime.UtcNow.AddDays(-rng.Next(0, 3)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            "year" => rng.Next(1990, 2026).ToString(CultureInfo.InvariantCulture),
            "make" => Pick(rng, ["Toyota", "Honda", "Ford"]),
            "model" => Pick(rng, ["Camry", "Civic", "F-150"]),
            "minPrice" => Pick(rng, ["0", "1.50", "10"]),
            "maxPrice" => Pick(rng, ["100", "999.99"]),
            "vin" => Pick(rng, ["1HGCM82633A004352", "1M8GDM9AXKP042788"]),
            "status" => Pick(rng, ["paid", "pending_payment", "cancelled", "pending", "failed", "delivered", "open"]),
            "mode" => Pick(rng, ["full", "incremental"]),
            "format" => Pick(rng, ["csv", "json", "aces", "pies", "jsonl"]),
            "warehouseId" => Known("warehouse", rng) ?? "1",
            "partId" => Known("part", rng) ?? "1",
            "userId" => Known("user", rng) ?? Guid.NewGuid().ToString(),
            "supplierId" => Known("supplier", rng) ?? "1",
            "q" => Pick(rng, ["brake", "pad", "filter oil", "fz"]),
            _ when types.Contains("boolean") => rng.NextDouble() < 0.5 ? "true" : "false",
            _ when types.Contains("integer") => rng.Next(1, 100).ToString(CultureInfo.InvariantCulture),
            _ => "fz" + rng.Next(100),
        };
    }

    private static string HostileQueryValue(string name, Random rng) => name switch
    {
        "limit" => Pick(rng, ["-1", "0", "101", "100000", "abc", "1.5", "9223372036854775808", "1e3", " 5", "+5", "0x10", ""]),
        "cursor" => Pick(rng, ["abc", "====", "eyJpZCI6LTF9", "AAAA", "%", "' OR 1=1--", new string('Q', 5000), "\0", "CfDJ8" + new string('/', 100)]),
        "from" or "to" or "updatedSince" => Pick(rng,
            ["2024-13-45", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "-1", "now", "1700000000", "2024-01-01T00:00:00+14:00", "2024-02-30", "", "\u202E2024"]),
        "year" => Pick(rng, ["-1", "0", "1899", "99999", "2147483648", "abc", "2018.5", ""]),
        _ => Pick(rng, HostileScalars),
    };

    private static readonly string[] HostileScalars =
    [
        "", " ", "-1", "0", "-9223372036854775808", "9223372036854775808", "1e309", "NaN", "Infinity", "abc", "true", "null",
        "' OR '1'='1", "'; DROP TABLE parts; --", "%", "_", "\\", "%_\\'\"", "\"unterminated", "a AND OR NOT", "NEAR(", "*", "col:val",
        "^", "()", "<script>alert(1)</script>", "../../etc/passwd", "{0}%s%n", "\u202Eevil", "e\u0301\u0301\u0301\u0301", "\u0000",
        "🔧🚗", "\u200B", "\uFEFF", new string('a', 3000), "a\r\nb",
    ];

    // ---- headers ----

    private void Headers(FuzzOperation op, Random rng, bool hostile, List<(string, string)> headers)
    {
        if (op.TakesIdempotencyKey)
        {
            if (!hostile)
            {
                headers.Add(("Idempotency-Key", rng.NextDouble() < 0.1 ? "fuzz-reused-key" : Guid.NewGuid().ToString()));
            }
            else
            {
                switch (rng.Next(6))
                {
                    case 0: break; // none
                    case 1: headers.Add(("Idempotency-Key", Pick(rng, ["", " ", "\"\"", "\"" + Guid.NewGuid() + "\"", "a b", "ÿ", "\u0007"]))); break;
                    case 2: headers.Add(("Idempotency-Key", new string('k', 256 + rng.Next(2000)))); break;
                    case 3: headers.Add(("Idempotency-Key", "k1")); headers.Add(("Idempotency-Key", "k2")); break;
                    default: headers.Add(("Idempotency-Key", "fuzz-reused-key")); break;
                }
            }
        }

        if (op.Method is "PUT" or "PATCH" or "DELETE")
        {
            if (!hostile)
            {
                headers.Add(("If-Match", rng.NextDouble() < 0.85 ? FuzzRequest.ETagPlaceholder : "*"));
            }
            else if (rng.NextDouble() < 0.8)
            {
                headers.Add(("If-Match", Pick(rng, ["\"garbage\"", "W/\"1\"", "*", "\"a\", \"b\"", "unquoted", "", "\"", "*, \"a\"", "\"AAAAAAAAAAA\"", new string('"', 300)])));
            }
        }

        if (op.Method == "GET" && hostile && rng.NextDouble() < 0.5)
        {
            headers.Add(("If-None-Match", Pick(rng, ["*", "\"x\"", "W/\"x\"", "garbage", "\"a\", *"])));
        }

        if (!op.Secured && (op.Template.Contains("updates", StringComparison.Ordinal) || op.Template.Contains("events", StringComparison.Ordinal)))
        {
            // Standard Webhooks receivers: headers present but wrong, or absent.
            if (!hostile || rng.NextDouble() < 0.7)
            {
                headers.Add(("webhook-id", Pick(rng, ["msg_" + rng.Next(), "", "msg.with.dots", new string('m', 500)])));
                headers.Add(("webhook-timestamp", Pick(rng, [DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), "-1", "99999999999999999999", "abc", "1e10", ""])));
                headers.Add(("webhook-signature", Pick(rng, ["v1,AAAA", "v1,", ",", "v1", "v2,abc v1,!!!", "v1," + new string('A', 5000), ""])));
            }
        }

        if (op.Template.EndsWith("/payments/webhook", StringComparison.Ordinal) && (!hostile || rng.NextDouble() < 0.7))
        {
            headers.Add(("Stripe-Signature", Pick(rng, ["t=1,v1=00", "t=abc,v1=zz", "t=99999999999999999999,v1=00", "v1=00", "t=", "=,=,=", ""])));
        }

        if (hostile && rng.NextDouble() < 0.3)
        {
            headers.Add(Pick<(string, string)>(rng,
            [
                ("Accept", "application/xml"), ("Accept", "text/html"), ("Accept-Encoding", "br, gzip"), ("X-Forwarded-For", "' OR 1=1"),
                ("If-Modified-Since", "garbage"), ("If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"), ("Range", "bytes=0-1"),
                ("X-HTTP-Method-Override", "DELETE"), ("Accept-Language", new string('x', 2000)),
            ]));
        }
    }

    // ---- bodies ----

    private (string? Body, string? ContentType) Body(FuzzOperation op, Random rng, string variant)
    {
        if (op.BodyType == "application/x-www-form-urlencoded")
        {
            return (Form(rng, variant), variant == "wrong-content-type" ? "application/json" : op.BodyType);
        }

        if (op.BodyType is null && op.Template.EndsWith("/imports", StringComparison.Ordinal))
        {
            var raw = Pick(rng, ["sku,partNumber,brand,name,price\nFZ-1,PN1,Acme,Pad,1.00\n", "{\"sku\":\"FZ-2\"}\n", "<items/>", "", "\0\0\0", "a,b\n\"unterminated"]);
            return (raw, Pick(rng, ["text/csv", "application/json", "application/xml", "application/x-ndjson"]));
        }

        var mode = variant switch
        {
            "hostile-values" => new Mode(Hostile: 0.35),
            "wrong-types" => new Mode(WrongType: 0.35),
            "missing-required" => new Mode(Missing: 0.5),
            "extra-members" => new Mode(Extra: true),
            "nulls" => new Mode(Null: 0.4),
            _ => new Mode(),
        };
        var schema = op.BodySchema ?? default;
        if (schema.ValueKind == JsonValueKind.Object && Resolve(schema) is var resolved && IsOpenObject(resolved))
        {
            schema = SiblingPutSchema(op) ?? schema; // merge-patch bodies: members of the resource's PUT, all optional
            mode = mode with { AllOptional = true };
        }

        var json = op.BodySchema is null && op.BodyType is null
            ? (rng.NextDouble() < 0.5 ? "{}" : Value(default, "body", rng, mode, 0))
            : Value(schema, "body", rng, mode, 0);
        var contentType = op.BodyType ?? "application/json";
        return variant switch
        {
            "malformed-json" => (Malform(json, rng), contentType),
            "wrong-content-type" => (json, Pick<string?>(rng,
                ["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/jsonx", "", null])),
            _ => (json, contentType),
        };
    }

    private JsonElement? SiblingPutSchema(FuzzOperation op) =>
        Operations.FirstOrDefault(o => o.Method == "PUT" && o.Template == op.Template && o.BodySchema is not null)?.BodySchema;

    private static string Form(Random rng, string variant)
    {
        var fields = new List<string> { "grant_type=" + (variant == "valid" ? "client_credentials" : Uri.EscapeDataString(Pick(rng, HostileScalars))) };
        if (rng.NextDouble() < 0.5)
        {
            fields.Add("scope=" + Uri.EscapeDataString(Pick(rng, ["inventory:write", "catalog:write orders:read", "", "admin", new string('s', 3000)])));
        }

        if (rng.NextDouble() < 0.5)
        {
            fields.Add("client_id=" + Uri.EscapeDataString(Pick(rng, ["fz", "", "' OR 1=1--", "\u202E"])) + "&client_secret=x");
        }

        return variant == "malformed-json" ? string.Join('&', fields) + "&%zz=%" : string.Join('&', fields);
    }

    private static string Malform(string json, Random rng) => rng.Next(9) switch
    {
        0 when json.Length > 1 => json[..rng.Next(1, json.Length)],
        1 => json + Pick(rng, ["}", "]", "xyz", ",", "{}", "\0"]),
        2 => new string('[', 5000) + new string(']', 5000),
        3 => string.Concat(Enumerable.Repeat("{\"a\":", 3000)) + "1" + new string('}', 3000),
        4 when json.StartsWith("{\"", StringComparison.Ordinal) && json.IndexOf(',', StringComparison.Ordinal) is > 0 and var comma =>
            "{" + json[1..comma] + "," + json[1..], // the first member twice
        5 => Pick(rng, ["", " ", "null", "\"a string\"", "123", "[]", "true", "[{}]", "nul", "{'single':'quotes'}", "{\"a\":01}", "{\"a\":.5}", "{\"a\":NaN}", "{\"a\" 1}"]),
        6 => "\uFEFF" + json,
        7 => json.Replace("\"", "'", StringComparison.Ordinal),
        _ => "{\"a\":\"" + FuzzRequest.InvalidByte + "\"}" + (rng.NextDouble() < 0.5 ? "" : json),
    };

    private sealed record Mode(double Hostile = 0, double WrongType = 0, double Missing = 0, bool Extra = false, double Null = 0, bool AllOptional = false);

    private string Value(JsonElement schema, string name, Random rng, Mode mode, int depth)
    {
        if (depth > 0)
        {
            if (rng.NextDouble() < mode.Hostile)
            {
                return HostileValue(rng);
            }

            if (rng.NextDouble() < mode.WrongType)
            {
                return Pick(rng, ["true", "[]", "{}", "\"str\"", "123", "[1,2]", "{\"a\":1}", "-1.5", "\"\""]);
            }

            if (rng.NextDouble() < mode.Null)
            {
                return "null";
            }
        }

        schema = Resolve(schema);
        if (schema.ValueKind != JsonValueKind.Object || depth > 6)
        {
            return depth > 6 ? "null" : RandomObject(rng);
        }

        if (schema.TryGetProperty("enum", out var values) && values.GetArrayLength() > 0)
        {
            return values[rng.Next(values.GetArrayLength())].GetRawText();
        }

        var types = TypesOf(schema);
        if (types.Contains("object") || schema.TryGetProperty("properties", out _))
        {
            return ObjectValue(schema, rng, mode, depth);
        }

        if (types.Contains("array"))
        {
            var min = Int(schema, "minItems") ?? 0;
            var max = Math.Min(Int(schema, "maxItems") ?? 3, min + 3);
            var count = rng.Next(Math.Max(min, 1), Math.Max(min, 1) + Math.Max(max - Math.Max(min, 1), 0) + 1);
            var items = schema.TryGetProperty("items", out var it) ? it : default;
            return "[" + string.Join(',', Enumerable.Range(0, count).Select(_ => Value(items, Singular(name), rng, mode, depth + 1))) + "]";
        }

        if (types.Contains("integer"))
        {
            return IntegerValue(schema, name, rng);
        }

        if (types.Contains("number"))
        {
            return name is "amount" or "price" or "percentOff" ? Pick(rng, ["1.00", "10.50", "42", "5"]) : rng.Next(1, 50).ToString(CultureInfo.InvariantCulture);
        }

        if (types.Contains("boolean"))
        {
            return rng.NextDouble() < 0.5 ? "true" : "false";
        }

        if (types.Contains("string") || types.Count == 0)
        {
            return JsonSerializer.Serialize(StringValue(schema, name, rng));
        }

        return "null";
    }

    private string ObjectValue(JsonElement schema, Random rng, Mode mode, int depth)
    {
        var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()!).ToHashSet() : [];
        var members = new List<string>();
        var dropped = false;
        if (schema.TryGetProperty("properties", out var properties))
        {
            foreach (var p in properties.EnumerateObject())
            {
                var isRequired = required.Contains(p.Name) && !mode.AllOptional;
                if (isRequired && rng.NextDouble() < mode.Missing)
                {
                    dropped = true;
                    continue;
                }

                if (!isRequired && rng.NextDouble() > (mode.AllOptional ? 0.4 : 0.6))
                {
                    continue;
                }

                members.Add(JsonSerializer.Serialize(p.Name) + ":" + Value(p.Value, p.Name, rng, mode, depth + 1));
            }
        }

        if (mode.Missing > 0 && !dropped && depth == 0 && members.Count > 0)
        {
            members.RemoveAt(rng.Next(members.Count));
        }

        if (mode.Extra && (depth == 0 || rng.NextDouble() < 0.3))
        {
            members.Add(Pick(rng, ["\"__extra\":1", "\"id\":1", "\"status\":\"paid\"", "\"role\":\"admin\"", "\"userId\":\"" + Guid.NewGuid() + "\"", "\"Name\":\"case\"", "\"\":0", "\"\\u0000\":0"]));
        }

        return "{" + string.Join(',', members) + "}";
    }

    private string IntegerValue(JsonElement schema, string name, Random rng)
    {
        var known = name switch
        {
            "partId" => Known("part", rng),
            "warehouseId" or "fromWarehouseId" or "toWarehouseId" => Known("warehouse", rng),
            "supplierId" => Known("supplier", rng),
            _ => null,
        };
        if (known is not null)
        {
            return known;
        }

        var min = Long(schema, "minimum") ?? (name is "year" ? 1990 : 1);
        var max = Long(schema, "maximum") ?? min + 10;
        if (name == "year")
        {
            min = Math.Max(min, 1990);
            max = Math.Min(max, 2026);
        }

        return (min + (long)(rng.NextDouble() * Math.Min(Math.Max(max - min, 0), name is "quantity" or "delta" ? 3 : 10))).ToString(CultureInfo.InvariantCulture);
    }

    private string StringValue(JsonElement schema, string name, Random rng)
    {
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        var known = name switch
        {
            "sku" => Known("sku", rng),
            "orderItemId" => Known("orderItem", rng),
            "cartId" => null,
            "code" when rng.NextDouble() < 0.5 => Known("promotionCode", rng),
            _ => null,
        };
        if (known is not null)
        {
            return known;
        }

        if (format == "uuid")
        {
            return name switch
            {
                "userId" or "users" => Known("user", rng),
                _ => null,
            } ?? Guid.NewGuid().ToString();
        }

        if (format == "date-time")
        {
            return DateTime.UtcNow.AddMinutes(-rng.Next(0, 600)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }

        if (format is "uri" or "url" || name is "url" or "tokenUrl" or "orderUrl" or "imageUrl")
        {
            return "https://example.com/fz/" + rng.Next(1000);
        }

        if (format == "email" || name == "email")
        {
            return $"fz-{Guid.NewGuid():N}@axle.test";
        }

        var value = name switch
        {
            "country" => Pick(rng, ["US", "CA", "DE"]),
            "currency" => "USD",
            "region" => Pick(rng, ["CA", "TX", "NY"]),
            "postalCode" => "90210",
            "token" => Pick(rng, ["tok_visa", "tok_visa", "tok_declined"]),
            "method" => "card",
            "password" => "Fz-" + Guid.NewGuid().ToString("N")[..16],
            "vin" => Pick(rng, ["1HGCM82633A004352", "1M8GDM9AXKP042788"]),
            "make" => "Toyota",
            "model" => "Camry",
            "reason" => Pick(rng, ["received", "damaged", "found", "correction", "cycle_count"]),
            "carrier" => "ups",
            "trackingNumber" => "1Z" + rng.Next(100000, 999999),
            "phone" => "+15555550100",
            "code" => "FZ" + rng.Next(100000, 999999),
            "refreshToken" => "rt_" + Guid.NewGuid().ToString("N"),
            _ => null,
        };
        if (value is null)
        {
            var min = Int(schema, "minLength") ?? 1;
            var max = Int(schema, "maxLength") ?? 24;
            var length = Math.Clamp(rng.Next(Math.Max(min, 3), Math.Max(min, 3) + 8), min, Math.Max(min, max));
            value = schema.TryGetProperty("pattern", out _)
                ? "FZ" + new string('0', Math.Max(length - 2, 1))
                : "fz " + new string('x', Math.Max(length - 3, 0));
            if (value.Length > max)
            {
                value = value[..max];
            }
        }

        return value;
    }

    private static string HostileValue(Random rng) => rng.Next(4) switch
    {
        0 => Pick(rng,
        [
            "0", "-1", "-0", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
            "1e308", "1e309", "-1e309", "1e-400", "0.5", "1.0000000000000001", "99999999999999999999999999999", "0.001", "123456789.123456789",
        ]),
        1 => Pick(rng, ["\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"1e999\"", "\"0x10\"", "\"12abc\""]),
        2 => Pick(rng, ["\"\\ud800\"", "\"a\\udfffb\"", "\"\\udc00\\ud800\"", "\"\\u0000\"", "\"a\\u0000b\"", "\"" + FuzzRequest.Overlong + "\"", "\"\\\\\"", "\"\\/\""]),
        _ => JsonSerializer.Serialize(Pick(rng, HostileScalars)),
    };

    private static string RandomObject(Random rng) => Pick(rng,
    [
        "{}", "{\"id\":\"" + Guid.NewGuid() + "\"}", "{\"type\":\"payment_intent.succeeded\",\"data\":{\"object\":{}}}", "{\"events\":[]}",
        "{\"supplierId\":\"x\",\"events\":[{\"eventId\":\"e1\",\"sku\":\"FZ\",\"quantity\":-5}]}", "{\"note\":\"fz\"}", "{\"reason\":\"fz\"}",
    ]);

    // ---- schema helpers ----

    private JsonElement Resolve(JsonElement schema)
    {
        for (var hops = 0; hops < 10 && schema.ValueKind == JsonValueKind.Object; hops++)
        {
            if (schema.TryGetProperty("$ref", out var reference))
            {
                var name = reference.GetString()!.Split('/')[^1];
                if (!_schemas.TryGetProperty(name, out schema))
                {
                    return default;
                }

                continue;
            }

            var branches = schema.TryGetProperty("oneOf", out var oneOf) ? oneOf
                : schema.TryGetProperty("anyOf", out var anyOf) ? anyOf
                : schema.TryGetProperty("allOf", out var allOf) ? allOf
                : default;
            if (branches.ValueKind == JsonValueKind.Array)
            {
                var nonNull = branches.EnumerateArray().Where(b => !(TypesOf(b) is [ "null" ])).ToList();
                if (nonNull.Count > 0)
                {
                    schema = nonNull[0];
                    continue;
                }
            }

            break;
        }

        return schema;
    }

    private static bool IsOpenObject(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && !schema.TryGetProperty("properties", out _) && !schema.TryGetProperty("enum", out _)
        && TypesOf(schema) is [] or ["object"];

    private static List<string> TypesOf(JsonElement? schema)
    {
        if (schema is not { ValueKind: JsonValueKind.Object } s || !s.TryGetProperty("type", out var type))
        {
            return [];
        }

        return type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Select(t => t.GetString()!).Where(t => t != "null")] : [type.GetString()!];
    }

    private static int? Int(JsonElement schema, string name) =>
        schema.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    private static long? Long(JsonElement schema, string name) =>
        schema.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var i) ? i
        : schema.TryGetProperty(name, out v) && v.ValueKind == JsonValueKind.Number ? (long)Math.Clamp(v.GetDouble(), long.MinValue / 2, long.MaxValue / 2)
        : null;

    private static string Singular(string name) => name switch
    {
        "items" or "lines" => "item",
        "users" => "userId",
        _ => name.EndsWith('s') ? name[..^1] : name,
    };

    private string? Known(string kind, Random rng) =>
        _ids.TryGetValue(kind, out var values) && values.Length > 0 && rng.NextDouble() < 0.9 ? Pick(rng, values) : null;

    private static T Pick<T>(Random rng, IReadOnlyList<T> values) => values[rng.Next(values.Count)];
}
