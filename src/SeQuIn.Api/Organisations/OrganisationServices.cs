using SeQuIn.Api.Access;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Organisations;

/// <summary>What the network, collaborative, provider and unit handlers share: who asks, the request, the database, the audit trail, the clock.</summary>
public readonly record struct OrganisationServices(Caller Caller, HttpContext Http, SeQuInDbContext Db, AuditTrail Audit, TimeProvider Clock)
    : IServiceBundle;
