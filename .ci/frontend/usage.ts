// What a frontend writes with the generated types: typed documents and
// their result and variable types. `tsc` checks that they fit.
import type { ResultOf, VariablesOf } from "@graphql-typed-document-node/core";
import * as ops from "./generated/graphql";

type PostDemandVariables = VariablesOf<typeof ops.PostDemandDocument>;
const variables: PostDemandVariables = { association: "x", region: "y" };

type Postings = ResultOf<typeof ops.PostingsDocument>;
export function titles(result: Postings): string[] {
  return result.demandPostings.edges.map((edge) => edge.node.title);
}

export const used = [variables, ops.SearchDocument, ops.CollegeProgramsDocument, ops.AssociationAndRegionDocument];
