/** The app's addresses and the view each names: pure, so tests run it in Node (router.ts follows them). */
export type Route =
  | { readonly name: 'topics' }
  | { readonly name: 'topic'; readonly topicId: string }
  | { readonly name: 'user'; readonly userId: string }
  | { readonly name: 'sign-in' }
  | { readonly name: 'register' }
  | { readonly name: 'account' }
  | { readonly name: 'inventory' }
  | { readonly name: 'not-found'; readonly path: string };

/** The paths the app answers: the gateway (and CloudFront) serve index.html for each. */
export function routeOf(pathname: string): Route {
  const segments: string[] = [];
  for (const raw of pathname.split('/').filter(Boolean)) {
    const segment = safeDecode(raw);
    if (segment === undefined) return { name: 'not-found', path: pathname };
    segments.push(segment);
  }
  const [first, second, ...rest] = segments;
  if (rest.length > 0) return { name: 'not-found', path: pathname };
  if (first === undefined) return { name: 'topics' };
  if (first === 'topics' && second) return { name: 'topic', topicId: second };
  if (first === 'users' && second) return { name: 'user', userId: second };
  if (second !== undefined) return { name: 'not-found', path: pathname };
  if (first === 'sign-in' || first === 'register' || first === 'account' || first === 'inventory') {
    return { name: first };
  }
  return { name: 'not-found', path: pathname };
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
