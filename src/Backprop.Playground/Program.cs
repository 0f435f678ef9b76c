using Backprop.Playground;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Microsoft.JSInterop;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");
var host = builder.Build();
// The language is chosen before RunAsync, which downloads the chosen culture's satellite assembly (the Chinese texts):
// ?lang= in the address, else the browser's languages, else English. Switching reloads the page (PageLanguage).
await PageLanguage.ApplyAsync(host.Services.GetRequiredService<NavigationManager>(), host.Services.GetRequiredService<IJSRuntime>());
await host.RunAsync();
