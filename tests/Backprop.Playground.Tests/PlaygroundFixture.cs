using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Backprop.Playground.Tests;

/// <summary>
/// Publishes the playground once (Release, as a user would) for hosting under a sub-path
/// (-p:PlaygroundBasePath=/backprop/, docs/playground.md), serves the published wwwroot from Kestrel on 127.0.0.1 at a
/// free port under that path only, and launches headless chromium through Playwright. Shared by every browser test,
/// so every test also checks the base-path rewrite.
/// </summary>
public sealed class PlaygroundFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>The sub-path the app is published for and served under.</summary>
    public const string BasePath = "/backprop/";

    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Where the tests save screenshots (beside the test results).</summary>
    public static string ScreenshotDir { get; } = Path.Combine(RepoRoot, "tests", "Backprop.Playground.Tests", "TestResults", "screenshots");

    private WebApplication? _server;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;
    /// <summary>The server's scheme, host and port (http://127.0.0.1:port).</summary>
    public string Origin { get; private set; } = "";
    /// <summary>The app's address: the origin and <see cref="BasePath"/>.</summary>
    public string BaseUrl { get; private set; } = "";
    public string PublishDir { get; } = Path.Combine(AppContext.BaseDirectory, "playground-publish");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath)) return;
        Publish();
        string root = Path.Combine(PublishDir, "wwwroot");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var files = new PhysicalFileProvider(root);
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".wasm"] = "application/wasm";
        types.Mappings[".dat"] = "application/octet-stream";
        // The site is at /backprop/ only: the root and every other path are 404, as on a host that serves other things.
        app.Map(BasePath.TrimEnd('/'), site =>
        {
            site.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            site.UseStaticFiles(new StaticFileOptions { FileProvider = files, ContentTypeProvider = types, ServeUnknownFileTypes = true });
            // Client-side routes (/backprop/graph, /backprop/classify?…) get index.html, as a static host's SPA
            // fallback does; a missing file (a path with an extension) stays a 404.
            site.Run(async context =>
            {
                if (Path.HasExtension(context.Request.Path.Value))
                {
                    context.Response.StatusCode = 404;
                    return;
                }
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.SendFileAsync(files.GetFileInfo("index.html"));
            });
        });
        await app.StartAsync();
        _server = app;
        Origin = app.Urls.First().TrimEnd('/');
        BaseUrl = Origin + BasePath;

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox"],
        });
        Directory.CreateDirectory(ScreenshotDir);
    }

    public async Task DisposeAsync()
    {
        if (_playwright is not null)
        {
            await Browser.CloseAsync();
            _playwright.Dispose();
        }
        if (_server is not null) await _server.DisposeAsync();
    }

    /// <summary>dotnet publish -c Release of the playground into this test run's folder (incremental on a rerun).</summary>
    private void Publish()
    {
        // A clean folder: a publish over an old one keeps the old fingerprinted files beside the new ones.
        if (Directory.Exists(PublishDir)) Directory.Delete(PublishDir, recursive: true);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoRoot,
        };
        foreach (var arg in new[] { "publish", Path.Combine("src", "Backprop.Playground", "Backprop.Playground.csproj"), "-c", "Release", "-o", PublishDir, "-nologo", "-p:PlaygroundBasePath=" + BasePath })
            start.ArgumentList.Add(arg);
#if PLAYGROUND_SPEED
        start.ArgumentList.Add("-p:PlaygroundSpeed=true");   // the per-op measurement, callable from JavaScript
#endif
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"dotnet publish of the playground failed ({process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Backprop.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Backprop.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A fresh page at a path of the app, waited on until Blazor has rendered it (its h1 is there).</summary>
    public async Task<IPage> OpenAsync(string path, int width = 1280, int height = 900)
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        page.SetDefaultTimeout(20_000);
        var console = new List<string>();
        page.Console += (_, m) => { lock (console) console.Add($"{m.Type}: {m.Text}"); };
        page.PageError += (_, e) => { lock (console) console.Add("page error: " + e); };
        await page.GotoAsync(BaseUrl + path);
        try
        {
            await page.WaitForSelectorAsync("main h1");
        }
        catch (TimeoutException e)
        {
            lock (console) throw new TimeoutException($"{BaseUrl + path} did not render; the browser console said:\n{string.Join("\n", console)}", e);
        }
        return page;
    }
}

[CollectionDefinition(Name)]
public sealed class PlaygroundCollection : ICollectionFixture<PlaygroundFixture>
{
    public const string Name = "playground";
}
