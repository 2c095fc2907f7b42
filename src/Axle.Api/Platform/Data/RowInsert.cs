using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Axle.Api.Platform.Data;

/// <summary>
/// Writes a few new entities of any mapped types with one plain <c>INSERT</c> each, inside the caller's transaction and
/// outside the change tracker: one round trip on PostgreSQL (a <see cref="DbBatch"/>), one statement after another on
/// SQLite (in process, no round trips to save). Table, columns and value conversions come from the EF Core model and each
/// property's type mapping, so a row is stored exactly as <c>SaveChanges</c> would store it; a database-generated key is
/// left to the database and not read back (the entities' generated keys stay unset, so nothing may need them).
/// The reservation path measured EF Core's update pipeline at a fifth of its server CPU (bench/README.md, BENCHMARKS.md).
/// </summary>
internal static class RowInsert
{
    private static readonly ConcurrentDictionary<(IModel Model, Type Type), Plan> Plans = new();

    public static async Task AddAsync(AppDbContext db, IReadOnlyList<object> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Rows are inserted inside the caller's transaction.");
        var connection = transaction.Connection
            ?? throw new InvalidOperationException("The transaction has no connection.");
        if (connection.CanCreateBatch)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            // Type mappings create parameters through a command; this one only makes them for the batch's commands.
            await using var factory = connection.CreateCommand();
            foreach (var row in rows)
            {
                var command = batch.CreateBatchCommand();
                var plan = PlanFor(db.Model, row);
                command.CommandText = plan.Sql;
                plan.Bind(factory, row, command.Parameters);
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(ct);
            return;
        }

        foreach (var row in rows)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var plan = PlanFor(db.Model, row);
            command.CommandText = plan.Sql;
            plan.Bind(command, row, command.Parameters);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>A quoted identifier, as both databases read it.</summary>
    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The entity's table, quoted, with its schema when it has one.</summary>
    internal static string QualifiedName(IEntityType entity) =>
        (entity.GetSchema() is { } schema ? Quote(schema) + "." : "") + Quote(entity.GetTableName()!);

    private static Plan PlanFor(IModel model, object row) =>
        Plans.GetOrAdd((model, row.GetType()), key => Plan.For(key.Model, key.Type));

    private sealed record Column(string Parameter, Func<object, object?> Read, RelationalTypeMapping Mapping, bool Nullable);

    private sealed record Plan(string Sql, IReadOnlyList<Column> Columns)
    {
        public void Bind(DbCommand factory, object row, DbParameterCollection parameters)
        {
            foreach (var column in Columns)
            {
                parameters.Add(column.Mapping.CreateParameter(factory, column.Parameter, column.Read(row), column.Nullable));
            }
        }

        public static Plan For(IModel model, Type type)
        {
            var entity = model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not an entity.");
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var names = new List<string>();
            var columns = new List<Column>();
            foreach (var property in entity.GetProperties())
            {
                if (property.IsPrimaryKey() && property.ValueGenerated != ValueGenerated.Never)
                {
                    continue;
                }

                if (property.IsShadowProperty() || property.ValueGenerated != ValueGenerated.Never)
                {
                    throw new InvalidOperationException(
                        $"{type.Name}.{property.Name} is a shadow or generated property; insert {type.Name} through SaveChanges.");
                }

                var getter = property.GetGetter();
                names.Add(property.GetColumnName(table)!);
                columns.Add(new Column("@p" + columns.Count, getter.GetClrValueUsingContainingEntity,
                    property.GetRelationalTypeMapping(), property.IsNullable));
            }

            var name = QualifiedName(entity);
            return new Plan(
                $"INSERT INTO {name} ({string.Join(", ", names.Select(Quote))}) VALUES ({string.Join(", ", columns.Select(c => c.Parameter))})",
                columns);
        }
    }
}
