global using Microsoft.AspNetCore.Mvc;
global using Monitoring.Api.Access;
