namespace SeQuIn.Api.Common;

/// <summary>
/// The services a feature's handlers share, taken as one <c>[AsParameters]</c> argument (as eShop's CatalogServices)
/// instead of six or more parameters. Route, query and body parameters stay the handler's own, so the contract reads
/// them as before. Filters that look at a handler's arguments skip a bundle: it is who and what serves the request,
/// never what is asked (the idempotency hash picks the request record from the arguments).
/// </summary>
public interface IServiceBundle;
