using SeQuIn.Api.Audit;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Access;

/// <summary>What the API key and membership handlers share: who asks, the request, the database, the audit trail, the clock.</summary>
public readonly record struct AccessServices(Caller Caller, HttpContext Http, SeQuInDbContext Db, AuditTrail Audit, TimeProvider Clock)
    : IServiceBundle;
