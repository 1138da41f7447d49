// www/next-host/app/page.tsx: the nextjs host's only page (a server component, prerendered) around the client harness component.
import { HarnessHost } from './HarnessHost';

export default function Page() {
  return (
    <main>
      <HarnessHost />
    </main>
  );
}
