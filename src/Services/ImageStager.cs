using CorralOS.Compose;
using CorralOS.Engine.Client;

namespace CorralOS.Services;

/// <summary>
/// `ros service enable` stages the images of the services it enables, as RancherOS did, so they can start without
/// waiting for a pull: an image the service's engine already has is left alone, a missing one is pulled with its
/// progress printed. A failed pull is an error (RancherOS did not enable the service then either).
/// </summary>
public sealed class ImageStager
{
    private readonly Func<ServiceScope, EngineClient> _engineFor;
    private readonly Action<string> _log;

    public ImageStager(Func<ServiceScope, EngineClient> engineFor, Action<string> log)
    {
        _engineFor = engineFor;
        _log = log;
    }

    public async Task StageAsync(IEnumerable<ServiceDefinition> services, CancellationToken cancellationToken)
    {
        foreach (var service in services.Where(s => !string.IsNullOrEmpty(s.Image)))
        {
            var engine = _engineFor(service.Rancher.ServiceScope);
            if (await engine.InspectImageAsync(service.Image!, cancellationToken).ConfigureAwait(false) is not null)
            {
                continue;
            }
            _log($"{service.Name}: pulling {service.Image}");
            var lines = new PullProgressLines(line => _log($"{service.Name}: {line}"));
            try
            {
                await engine.PullImageAsync(service.Image!, lines.Report, cancellationToken).ConfigureAwait(false);
            }
            catch (EngineApiException e)
            {
                throw new ServiceException($"{service.Name}: image {service.Image} could not be pulled: {e.Message}", e);
            }
        }
    }
}
