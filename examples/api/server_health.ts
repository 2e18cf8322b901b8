/**
 * api/server_health: prints the server's health report through the REST API.
 *
 * Run: `TALKOMATIC_URL=http://127.0.0.1:3000 deno run -A examples/api/server_health.ts`
 *
 * @module
 */
import { TalkomaticApi } from "@talkomatic/talkomatic/api";

const api = new TalkomaticApi();
const health = await api.health();
if (health.status === "down") {
  console.log(`Server is down: ${health.error.message}`);
} else {
  const up = Math.floor(health.uptime);
  const hms = [Math.floor(up / 3600), Math.floor(up / 60) % 60, up % 60]
    .map((n) => String(n).padStart(2, "0"))
    .join(":");
  console.log(`Server status: ${health.status}`);
  console.log(`Server uptime: ${hms}`);
  console.log(`Server version: ${health.version}`);
  const s = health.roomStatistics;
  console.log(`Rooms: ${s.totalRooms} (limit ${s.currentLimit}), users in rooms: ${s.totalUsers}`);
}
