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
  const httpFetcher = GraphiQL.createFetcher({
    url: new URL('/graphql', window.location.href).href,
  });
  const socketUrl = new URL('/graphql/ws', window.location.href);
  socketUrl.protocol = socketUrl.protocol === 'https:' ? 'wss:' : 'ws:';

  // Whether the operation to run is a subscription.
  function isSubscription(params, options) {
    const document = options && options.documentAST;
    if (document && document.definitions) {
      const operations = document.definitions.filter((d) => d.kind === 'OperationDefinition');
      const chosen = params.operationName
        ? operations.find((o) => o.name && o.name.value === params.operationName)
        : operations[0];
      return Boolean(chosen && chosen.operation === 'subscription');
    }
    return /^\s*(#[^\n]*\n\s*)*subscription\b/.test(params.query || '');
  }

  // Subscriptions over the hub's WebSocket (graphql-transport-ws), the
  // headers pane as the connection_init payload.
  function socketFetcher(params, options) {
    return {
      subscribe(observer) {
        const socket = new WebSocket(socketUrl.href, 'graphql-transport-ws');
        let done = false;
        const finish = () => {
          if (!done) {
            done = true;
            observer.complete();
          }
        };
        socket.onopen = () => {
          const payload = (options && options.headers) || {};
          socket.send(JSON.stringify({ type: 'connection_init', payload }));
        };
        socket.onmessage = (event) => {
          const message = JSON.parse(event.data);
          if (message.type === 'connection_ack') {
            socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: params }));
          } else if (message.type === 'next') {
            observer.next(message.payload);
          } else if (message.type === 'error') {
            observer.next({ errors: message.payload });
            finish();
          } else if (message.type === 'complete') {
            finish();
          } else if (message.type === 'ping') {
            socket.send(JSON.stringify({ type: 'pong' }));
          }
        };
        socket.onclose = (event) => {
          if (!done && event.code !== 1000) {
            observer.next({
              errors: [{ message: 'the subscription socket closed: ' + event.code + ' ' + event.reason }],
            });
          }
          finish();
        };
        return {
          unsubscribe() {
            done = true;
            if (socket.readyState === WebSocket.OPEN) {
              socket.send(JSON.stringify({ id: '1', type: 'complete' }));
              socket.close(1000);
            }
          },
        };
      },
    };
  }

  // GraphiQL may keep the operation name of the tab shown before: a name
  // the document does not define is replaced by its only operation's.
  function withOperationName(params, options) {
    const document = options && options.documentAST;
    if (!document || !document.definitions || !params.operationName) {
      return params;
    }
    const operations = document.definitions.filter((d) => d.kind === 'OperationDefinition');
    if (operations.some((o) => o.name && o.name.value === params.operationName)) {
      return params;
    }
    if (operations.length === 1) {
      const only = operations[0].name ? operations[0].name.value : undefined;
      return Object.assign({}, params, { operationName: only });
    }
    return params;
  }

  const fetcher = (params, options) => {
    const fixed = withOperationName(params, options);
    return isSubscription(fixed, options) ? socketFetcher(fixed, options) : httpFetcher(fixed, options);
  };
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
