using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CorralOS.Engine.Containers;

/// <summary>
/// Every container, by ID and by name. Names are unique (checked and reserved under one lock); lookups follow Docker:
/// full ID, then exact name, then a unique ID prefix.
/// </summary>
public sealed partial class ContainerStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Container> _byId = new(StringComparer.Ordinal);
    private readonly List<string> _problems = [];

    private ContainerStore(ContainerLayout layout) => Layout = layout;

    public ContainerLayout Layout { get; }

    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Reads every container; a damaged one is moved aside and reported rather than stopping the engine.</summary>
    public static ContainerStore Open(ContainerLayout layout)
    {
        layout.Create();
        var store = new ContainerStore(layout);
        foreach (var dir in Directory.EnumerateDirectories(layout.Containers))
        {
            var id = Path.GetFileName(dir);
            if (id.StartsWith(".removing-", StringComparison.Ordinal))
            {
                // A removal the last engine did not finish: the container was already gone for clients. Its rootfs
                // may still be mounted (the unmount follows the rename): never delete through it.
                RootFsMounter.Unmount(Path.Combine(dir, "rootfs"));
                Directory.Delete(dir, recursive: true);
                continue;
            }
            if (id.StartsWith('.'))
            {
                continue; // set aside earlier (.damaged-ID), kept for inspection
            }
            try
            {
                var record = JsonSerializer.Deserialize(File.ReadAllBytes(layout.RecordFile(id)), StoreJson.Default.ContainerRecord)
                    ?? throw new InvalidDataException("empty record");
                store._byId[id] = new Container(record, ReadState(layout.StateFile(id)), layout);
            }
            catch (Exception e) when (e is IOException or JsonException or InvalidDataException)
            {
                // A create that crashed before its record was written also lands here: it never existed for a client.
                var aside = Path.Combine(layout.Containers, $".damaged-{id}");
                Directory.Move(dir, aside);
                store._problems.Add($"container {id} is unreadable ({e.Message}); moved to {aside}");
            }
        }
        return store;
    }

    // The state is not synced at each transition (Container.Update): one a power cut left empty or cut is read as a
    // fresh state (created, never started) rather than costing the container.
    private static ContainerState ReadState(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), StoreJson.Default.ContainerState) ?? new ContainerState() : new ContainerState();
        }
        catch (JsonException)
        {
            return new ContainerState();
        }
    }

    public IReadOnlyList<Container> List()
    {
        lock (_gate)
        {
            return _byId.Values.OrderByDescending(c => c.Record.Created).ToList();
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byId.Count;
            }
        }
    }

    public Container Get(string nameOrId) => TryGet(nameOrId) ?? throw new NotFoundException($"No such container: {nameOrId}");

    public Container? TryGet(string nameOrId)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(nameOrId, out var byId))
            {
                return byId;
            }
            var name = nameOrId.TrimStart('/');
            var byName = _byId.Values.FirstOrDefault(c => c.Name == name);
            if (byName is not null)
            {
                return byName;
            }
            if (nameOrId.Length > 0 && nameOrId.All(char.IsAsciiHexDigitLower))
            {
                var matches = _byId.Values.Where(c => c.Id.StartsWith(nameOrId, StringComparison.Ordinal)).Take(2).ToList();
                if (matches.Count == 2)
                {
                    throw new InvalidArgumentException($"multiple IDs found with provided prefix: {nameOrId}");
                }
                return matches.SingleOrDefault();
            }
            return null;
        }
    }

    /// <summary>Adds a new container: the name is checked and taken, the directory and record written, in one step.</summary>
    public Container Add(string? name, Func<string, string, ContainerRecord> makeRecord)
    {
        lock (_gate)
        {
            var id = NewId();
            if (string.IsNullOrEmpty(name))
            {
                name = NameGenerator.Generate(n => _byId.Values.Any(c => c.Name == n));
            }
            else
            {
                name = ValidateName(name);
            }
            var taken = _byId.Values.FirstOrDefault(c => c.Name == name);
            if (taken is not null)
            {
                throw new ConflictException($"Conflict. The container name \"/{name}\" is already in use by container \"{taken.Id}\". You have to remove (or rename) that container to be able to reuse that name.");
            }
            var record = makeRecord(id, name);
            Directory.CreateDirectory(Layout.Dir(id));
            // The log exists from the start, so an attach before the first start can follow it.
            File.WriteAllBytes(Layout.LogFile(id), []);
            var container = new Container(record, new ContainerState(), Layout);
            container.Update(_ => { });
            container.SaveRecord();
            _byId[id] = container;
            return container;
        }
    }

    public void Rename(Container container, string newName)
    {
        lock (_gate)
        {
            newName = ValidateName(newName);
            var taken = _byId.Values.FirstOrDefault(c => c.Name == newName);
            if (taken is not null)
            {
                throw new ConflictException($"Conflict. The container name \"/{newName}\" is already in use by container \"{taken.Id}\". You have to remove (or rename) that container to be able to reuse that name.");
            }
            var old = container.Record.Name;
            container.Record.Name = newName;
            try
            {
                container.SaveRecord();
            }
            catch
            {
                container.Record.Name = old;
                throw;
            }
        }
    }

    /// <summary>
    /// Forgets the container (the caller has stopped it) and renames its directory aside; returns that directory,
    /// for the caller to unmount its rootfs (the mount moves with it) and delete. A crash before the delete leaves a
    /// dot directory Open() never reads as a container and deletes.
    /// </summary>
    public string Remove(Container container)
    {
        lock (_gate)
        {
            _byId.Remove(container.Id);
        }
        var doomed = Path.Combine(Layout.Containers, $".removing-{container.Id}");
        Directory.Move(Layout.Dir(container.Id), doomed);
        return doomed;
    }

    /// <summary>A running container and any container that use the image (IDs), for the image-delete rules.</summary>
    public (string? Running, string? Any) UsesImage(string imageId)
    {
        lock (_gate)
        {
            var users = _byId.Values.Where(c => c.Record.ImageId == imageId).ToList();
            return (users.FirstOrDefault(c => c.State.Running)?.Id, users.FirstOrDefault()?.Id);
        }
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static string ValidateName(string name)
    {
        name = name.TrimStart('/');
        if (!ValidName().IsMatch(name))
        {
            throw new InvalidArgumentException($"Invalid container name ({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
        return name;
    }

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex ValidName();
}
