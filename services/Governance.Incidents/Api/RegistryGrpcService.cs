using Governance.Contracts.V1;
using Governance.Grpc;
using Governance.Incidents.Registry;
using Governance.Incidents.Reporting;
using Governance.Incidents.Routing;
using Governance.Security;
using Geo = Governance.Geography;

namespace Governance.Incidents.Api;

/// <summary>governance.v1.RegistryService: point lookup and the registry's reference data. Reads only.</summary>
public sealed class RegistryGrpcService(Router router)
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public Task<LookupLocationResponse> LookupLocation(LookupLocationRequest request, ServerCallContext context)
    {
        context.RequireCaller();
        var wgs84 = ReportValidation.ValidateLocation(request.Location, "location");
        var view = router.View;
        var placement = router.Place(view, wgs84);
        Contracts.V1.Routing routing;
        if (string.IsNullOrEmpty(request.CategoryCode) || placement.OutsideServiceArea)
        {
            if (!string.IsNullOrEmpty(request.CategoryCode) && view.Snapshot.FindCategory(request.CategoryCode) is null)
            {
                throw UnknownCategory(request.CategoryCode);
            }
            routing = ContractMapping.ToContract(placement, view);
        }
        else
        {
            if (view.Snapshot.FindCategory(request.CategoryCode) is null)
            {
                throw UnknownCategory(request.CategoryCode);
            }
            routing = ContractMapping.ToContract(Router.Outcome(view, placement, request.CategoryCode), view);
        }
        return Task.FromResult(new LookupLocationResponse { Routing = routing });
    }

    public Task<ListCategoriesResponse> ListCategories(ListCategoriesRequest request, ServerCallContext context)
    {
        context.RequireCaller();
        var response = new ListCategoriesResponse();
        response.Categories.AddRange(router.View.Snapshot.Categories
            .Where(c => !c.IsRetired && (request.Platform == Platform.Unspecified || (int)c.Platform == (int)request.Platform))
            .OrderBy(c => c.Code, StringComparer.Ordinal)
            .Select(ContractMapping.ToContract));
        return Task.FromResult(response);
    }

    public Task<ListDepartmentsResponse> ListDepartments(ListDepartmentsRequest request, ServerCallContext context)
    {
        context.RequireCaller();
        var response = new ListDepartmentsResponse();
        response.Departments.AddRange(router.View.Snapshot.Departments
            .Where(d => request.IncludeRetired || !d.IsRetired)
            .OrderBy(d => d.Code, StringComparer.Ordinal)
            .Select(ContractMapping.ToContract));
        return Task.FromResult(response);
    }

    public Task<GetGridResponse> GetGrid(GetGridRequest request, ServerCallContext context)
    {
        context.RequireCaller();
        var view = router.View;
        var index = view.IndexOfGrid(request.Code);
        if (index < 0)
        {
            throw new RpcException(StatusCode.NotFound, $"Grid '{request.Code}' is not in the registry (or is retired); ListGrids shows the current grids.");
        }
        var crs = ReportValidation.OutputCrs(request.CoordinateSystem);
        var grid = ToContract(view, index, crs);
        grid.BoundaryGeojson = Geo.GeoJsonWriter.WriteGeometry(view.GridGeometries[index], crs);
        grid.BoundaryCoordinateSystem = crs == Geo.CoordinateSystem.Gcj02 ? CoordinateSystem.Gcj02 : CoordinateSystem.Wgs84;
        grid.AreaSquareMeters = Geo.Geodesy.AreaSquareMeters(view.GridGeometries[index]);
        return Task.FromResult(new GetGridResponse { Grid = grid });
    }

    public Task<ListGridsResponse> ListGrids(ListGridsRequest request, ServerCallContext context)
    {
        context.RequireCaller();
        var view = router.View;
        var pageSize = request.PageSize switch { <= 0 => DefaultPageSize, > MaxPageSize => MaxPageSize, var n => n };
        // The token is the last grid code of the previous page, not an offset: a grid imported between two pages
        // then neither shifts nor repeats what the next page holds.
        if (request.PageToken.Length > 0 && !Domain.Regions.RegionCode.TryParse(request.PageToken, out _, out _))
        {
            throw new RpcException(StatusCode.InvalidArgument, "page_token is not one this service issued; pass next_page_token unchanged or leave it empty.");
        }
        // Grid codes begin with their village, township and county codes, so "under a region" is a prefix test.
        var matching = new List<int>();
        for (var i = 0; i < view.GridCodes.Count; i++)
        {
            if (view.GridCodes[i].StartsWith(request.RegionCode, StringComparison.Ordinal))
            {
                matching.Add(i);
            }
        }
        var crs = ReportValidation.OutputCrs(request.CoordinateSystem);
        var response = new ListGridsResponse { TotalCount = matching.Count };
        var page = matching
            .Where(i => string.CompareOrdinal(view.GridCodes[i], request.PageToken) > 0)
            .Take(pageSize + 1)
            .ToList();
        foreach (var index in page.Take(pageSize))
        {
            response.Grids.Add(ToContract(view, index, crs));
        }
        if (page.Count > pageSize)
        {
            response.NextPageToken = view.GridCodes[page[pageSize - 1]];
        }
        return Task.FromResult(response);
    }

    private static Grid ToContract(RegistryView view, int index, Geo.CoordinateSystem crs)
    {
        var code = view.GridCodes[index];
        var grid = view.Snapshot.FindGrid(code)!;
        return new Grid
        {
            Code = code,
            Name = grid.Name,
            Village = ContractMapping.ToContract(view.Snapshot.FindRegion(code[..12])),
            Township = ContractMapping.ToContract(view.Snapshot.FindRegion(code[..9])),
            County = ContractMapping.ToContract(view.Snapshot.FindRegion(code[..6])),
            InteriorPoint = ContractMapping.ToContract(Geo.ChinaCoordinates.FromWgs84(view.InteriorPoints[index], crs)),
        };
    }

    private static RpcException UnknownCategory(string code) =>
        new(StatusCode.NotFound, $"Category '{code}' is not defined; call ListCategories for the valid codes.");
}
