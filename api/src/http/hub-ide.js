// The hub's GraphiQL: one tab per example of the README (each one
// operation, variables filled in for the demo data), the docs explorer,
// history, and variables and headers panes. Everything is served by the
// hub itself; nothing is loaded from elsewhere.
(async function () {
  const root = document.getElementById('graphiql');
  let examples = [];
  try {
    const response = await fetch('/ide/examples.json');
    examples = await response.json();
  } catch (error) {
    console.warn('the IDE could not load its example operations', error);
  }
  const tabs = examples.map((example) => ({
    query: '# ' + example.title + '\n' + example.query,
    variables: example.variables ? JSON.stringify(example.variables, null, 2) : undefined,
    headers: example.headers ? JSON.stringify(example.headers, null, 2) : undefined,
  }));
  const fetcher = GraphiQL.createFetcher({
    url: new URL('/graphql', window.location.href).href,
  });
  const logo = React.createElement(
    GraphiQL.Logo,
    null,
    React.createElement('span', { className: 'hub-logo' }, '吉林市产教供需数据枢纽'),
  );
  ReactDOM.createRoot(root).render(
    React.createElement(
      GraphiQL,
      {
        fetcher,
        defaultTabs: tabs.length > 0 ? tabs : undefined,
        defaultEditorToolsVisibility: true,
        isHeadersEditorEnabled: true,
        shouldPersistHeaders: false,
      },
      logo,
    ),
  );
})();
